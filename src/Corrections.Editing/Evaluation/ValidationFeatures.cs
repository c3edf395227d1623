using Corrections.Editing.Data;
using Corrections.Editing.Models;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// Why validating a candidate is cheap: an edit changes only the editable stages, so the activations entering them are
/// the same for a trained version and every edit built on it. They are computed once per (set, trained version); a
/// candidate then costs only the editable stages' forward pass. A model whose frozen weights differ from the trained
/// version's (<see cref="EditableModel.SharesFeaturesWith(EditableModel)"/>) gets a full forward pass instead, so a
/// wrong pairing costs time, never a wrong figure. Error rates and fingerprints are memoised per (set, version): a
/// version never changes once stored. Not thread-safe: one caller at a time (the service's compute gate).
/// </summary>
public sealed class ValidationFeatures : IDisposable
{
    // Sets × trained versions in use at once: the current one, and the previous one while production still points into its chain.
    private const int FeatureCapacity = 8;

    private readonly LinkedList<(string Set, long TrainedId, Tensor Features)> _features = new();
    private readonly Dictionary<(string Set, long VersionId), double> _errors = [];
    private readonly Dictionary<(string Set, long VersionId), double[]> _classErrors = [];
    private readonly Dictionary<long, FrozenFingerprint> _fingerprints = [];

    /// <summary>
    /// Error of version <paramref name="versionId"/> (<paramref name="model"/>) on set <paramref name="set"/>
    /// (<paramref name="data"/>), in [0, 1]. <paramref name="trainedId"/> (<paramref name="trained"/>) is the trained
    /// version whose features it may reuse: the one its chain of edits rests on.
    /// </summary>
    public double ErrorRate(string set, LabeledImages data, long versionId, EditableModel model, long trainedId, EditableModel trained)
    {
        Measure(set, data, versionId, model, trainedId, trained);
        return _errors[(set, versionId)];
    }

    /// <summary>
    /// Error of the version on each class of the set (index = label; 0 for a class the set lacks), from the same
    /// predictions as <see cref="ErrorRate"/>: an average can hide one class sacrificed to another (a label flip).
    /// </summary>
    public IReadOnlyList<double> ClassErrorRates(string set, LabeledImages data, long versionId, EditableModel model, long trainedId, EditableModel trained)
    {
        Measure(set, data, versionId, model, trainedId, trained);
        return _classErrors[(set, versionId)];
    }

    private void Measure(string set, LabeledImages data, long versionId, EditableModel model, long trainedId, EditableModel trained)
    {
        if (_errors.ContainsKey((set, versionId)))
        {
            return;
        }
        var shared = model.ReadsFeatures && (versionId == trainedId || model.SharesFeaturesWith(trained, Fingerprint(versionId, model), Fingerprint(trainedId, trained)));
        // Outside the dispose scope below: the features are cached, the scope would free them.
        var cached = shared ? Features(set, data, trainedId, trained) : null;
        using var scope = NewDisposeScope();
        var predictions = (cached is not null ? model.LogitsFromFeatures(cached) : model.Logits(data.Images)).argmax(1).cpu();
        _errors[(set, versionId)] = Metrics.ErrorRate(predictions, data.Labels);
        var predicted = predictions.data<long>().ToArray();
        var labels = data.LabelValues();
        var (wrong, seen) = (new double[model.Architecture.ClassCount], new double[model.Architecture.ClassCount]);
        for (var i = 0; i < labels.Length; i++)
        {
            seen[labels[i]]++;
            wrong[labels[i]] += predicted[i] == labels[i] ? 0 : 1;
        }
        _classErrors[(set, versionId)] = [.. wrong.Select((w, k) => seen[k] == 0 ? 0 : w / seen[k])];
    }

    /// <summary>Times <see cref="Features"/> were computed: a test's view of the cache.</summary>
    public int FeatureComputations { get; private set; }

    private FrozenFingerprint Fingerprint(long versionId, EditableModel model)
    {
        if (!_fingerprints.TryGetValue(versionId, out var fingerprint))
        {
            fingerprint = model.FrozenFingerprint();
            _fingerprints[versionId] = fingerprint;
        }
        return fingerprint;
    }

    private Tensor Features(string set, LabeledImages data, long trainedId, EditableModel trained)
    {
        for (var node = _features.First; node is not null; node = node.Next)
        {
            if (node.Value.Set == set && node.Value.TrainedId == trainedId)
            {
                return node.Value.Features;
            }
        }
        var features = trained.Features(data.Images);
        FeatureComputations++;
        _features.AddFirst((set, trainedId, features));
        while (_features.Count > FeatureCapacity)
        {
            _features.Last!.Value.Features.Dispose();
            _features.RemoveLast();
        }
        return features;
    }

    public void Dispose()
    {
        foreach (var entry in _features)
        {
            entry.Features.Dispose();
        }
        _features.Clear();
    }
}
