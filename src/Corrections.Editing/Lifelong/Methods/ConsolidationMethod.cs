using System.Globalization;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// Naive consolidation, the calibrated baseline: every <c>every</c> reports, a short fine-tuning on all reports so far
/// mixed with clean training data, with KL to the previous version. No memory, so a report is not in effect until the
/// next consolidation, and a consolidation may drop one that an earlier consolidation made.
/// </summary>
public sealed class ConsolidationMethod : ICorrectionMethod
{
    private EditableModel _model;
    private readonly LabeledImages _clean;
    private readonly ConsolidationOptions _options;
    private readonly int _every;
    private readonly CorrectionSet _reported;
    private int _consolidations;

    public ConsolidationMethod(EditableModel model, LabeledImages clean, ConsolidationOptions options, int every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _model = model.Clone();
        (_clean, _options, _every) = (clean, options, every);
        _reported = new CorrectionSet([.. model.Architecture.InputShape.Select(d => (int)d)]);
        Settings = new Dictionary<string, string>
        {
            ["every"] = every.ToString(CultureInfo.InvariantCulture),
            ["steps"] = options.Steps.ToString(CultureInfo.InvariantCulture),
            ["passes_over_corrections"] = options.PassesOverCorrections?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["lr"] = options.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
            ["anchor"] = "previous version",
            ["anchor_coefficient"] = options.AnchorCoefficient.ToString(CultureInfo.InvariantCulture),
            ["batch"] = $"{options.CorrectionBatch} reports + {options.CleanBatch} clean",
        };
    }

    public string Name => "naive-consolidation";

    public IReadOnlyDictionary<string, string> Settings { get; }

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        _reported.Add(input, label);
        if (_reported.Count % _every != 0)
        {
            return;
        }
        var previous = _model;
        var next = previous.Clone();
        Consolidation.Run(next, _reported, _clean, previous, _options with { Seed = _options.Seed + _consolidations++ });
        _model = next;
        previous.Dispose();
    }

    public long[] Predict(Tensor images) => Predictions.Of(_model, images);

    public void Dispose() => _model.Dispose();
}
