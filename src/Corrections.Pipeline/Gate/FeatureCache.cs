using Corrections.Editing;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// Why validating a candidate is cheap: an edit changes only the editable block, so the activations entering it are the
/// same for a base version and every edit built on it. They are computed once per (set, base version); each candidate
/// then costs only the editable block's forward pass. Error rates are memoised per (set, version): versions never
/// change. Only call it inside the <see cref="ComputeGate"/>.
/// </summary>
public sealed class FeatureCache : IDisposable
{
    // Sets × bases in use at once: the current base, and the previous one while production still points into its chain.
    private const int FeatureCapacity = 8;

    private readonly LinkedList<(string Set, long RootId, Tensor Features)> _features = new();
    private readonly Dictionary<(string Set, long VersionId), double> _errors = [];

    public double ErrorRate(string set, LabeledImages data, long rootId, EditableModel root, long versionId, EditableModel model)
    {
        if (_errors.TryGetValue((set, versionId), out var known))
        {
            return known;
        }
        // Edits keep their parent's editable block; a model with another one cannot reuse the base's activations.
        var shared = model.Subset.FirstStage == root.Subset.FirstStage;
        // Outside the dispose scope below: the features are cached, the scope would free them.
        var cached = shared ? Features(set, data, rootId, root) : null;
        using var scope = NewDisposeScope();
        var predictions = cached is not null ? model.LogitsFromFeatures(cached).argmax(1) : model.Logits(data.Images).argmax(1);
        var error = predictions.ne(data.Labels).to(ScalarType.Float64).mean().item<double>();
        _errors[(set, versionId)] = error;
        return error;
    }

    private Tensor Features(string set, LabeledImages data, long rootId, EditableModel root)
    {
        for (var node = _features.First; node is not null; node = node.Next)
        {
            if (node.Value.Set == set && node.Value.RootId == rootId)
            {
                return node.Value.Features;
            }
        }
        var features = root.Features(data.Images);
        _features.AddFirst((set, rootId, features));
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
