using System.Globalization;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// Today's retraining: every <c>every</c> reports, one epoch of Editable Training from the current version on the
/// clean training set plus every report so far repeated (at most <c>oversample</c> copies, and at most as many copies
/// in all as there are clean images: the service's shipped rule). Reports wait for it to take effect.
/// </summary>
public sealed class RetrainingMethod : ICorrectionMethod
{
    private readonly EditableModel _model;
    private readonly LabeledImages _clean;
    private readonly EditableTrainingOptions _options;
    private readonly int _every;
    private readonly int _oversample;
    private readonly CorrectionSet _reported;
    private int _retrains;

    public RetrainingMethod(EditableModel model, LabeledImages clean, EditableTrainingOptions options, int every, int oversample = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _model = model.Clone();
        (_clean, _options, _every, _oversample) = (clean, options, every, oversample);
        _reported = new CorrectionSet([.. model.Architecture.InputShape.Select(d => (int)d)]);
        Settings = new Dictionary<string, string>
        {
            ["every"] = every.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
            ["editable"] = options.Editable.ToString(),
            ["oversample"] = oversample.ToString(CultureInfo.InvariantCulture),
            ["clean_images"] = clean.Count.ToString(CultureInfo.InvariantCulture),
        };
    }

    public string Name => "retraining";

    public IReadOnlyDictionary<string, string> Settings { get; }

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        _reported.Add(input, label);
        if (_reported.Count % _every != 0)
        {
            return;
        }
        var copies = Math.Clamp(_clean.Count / _reported.Count, 1, _oversample);
        using var mix = CorrectionFolding.Mix(_clean, _reported, copies);
        new EditableTrainer(_options with { Seed = _options.Seed + _retrains++ }, new UniformEditTargets()).Train(_model, mix);
    }

    public long[] Predict(Tensor images) => Predictions.Of(_model, images);

    public void Dispose() => _model.Dispose();
}
