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
public sealed class ConsolidationMethod : ICorrectionMethod, IObservesTraffic
{
    private EditableModel _model;
    private readonly LabeledImages _clean;
    private readonly ConsolidationOptions _options;
    private readonly int _every;
    private readonly CorrectionSet _reported;
    private int _consolidations;
    private int _admitted;
    private readonly ShiftGate? _shiftGate;
    private readonly ObservedTraffic? _traffic;
    private readonly CleanLimit? _cleanLimit;

    /// <summary>Consolidates a clone of <paramref name="model"/> on the reports so far and <paramref name="clean"/> data every <paramref name="every"/> reports, by <paramref name="options"/>.</summary>
    /// <param name="model">The start version (cloned).</param>
    /// <param name="clean">Clean training data mixed into every consolidation.</param>
    /// <param name="options">The consolidation's recipe.</param>
    /// <param name="every">Reports between consolidations.</param>
    /// <param name="shiftGate">When given, a consolidation that does worse on its slice is refused (the same gate the design may have).</param>
    /// <param name="pseudoLabelConfidence">When given, consolidations also train on confidently pseudo-labelled traffic, as the design may.</param>
    /// <param name="cleanLimit">When given, a consolidation over it is refused or admitted part of the way, by the design's
    /// rule, so that the two can be compared at equal clean cost.</param>
    public ConsolidationMethod(EditableModel model, LabeledImages clean, ConsolidationOptions options, int every, ShiftGate? shiftGate = null, double? pseudoLabelConfidence = null,
        CleanLimit? cleanLimit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _model = model.Clone();
        (_clean, _options, _every, _shiftGate, _cleanLimit) = (clean, options, every, shiftGate, cleanLimit);
        _traffic = pseudoLabelConfidence is double confidence ? new ObservedTraffic(confidence) : null;
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
            ["shift_gate"] = shiftGate?.Slice.Count.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["pseudo_label_confidence"] = pseudoLabelConfidence?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["clean_limit_pp"] = cleanLimit?.LimitPp.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["interpolation_shares"] = cleanLimit?.SharesSetting ?? "none",
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
        // As in the design: only once production's weights have learned from the shift (see MemoryConsolidationMethod).
        using var pseudo = _admitted > 0 ? _traffic?.Labelled(previous, _clean.ClassNames) : null;
        Consolidation.Run(next, _reported, _clean, previous, _options with { Seed = _options.Seed + _consolidations++ }, pseudo);
        if (_cleanLimit is not null)
        {
            if (_cleanLimit.Admit(previous, next) is not { } admitted)
            {
                return;
            }
            next = admitted;
        }
        if (_shiftGate?.Admit(next, previous) == false)
        {
            next.Dispose();
            return;
        }
        _model = next;
        _admitted++;
        previous.Dispose();
    }

    public long[] Predict(Tensor images) => Predictions.Of(_model, images);

    /// <summary>Kept only when a pseudo-label confidence was given.</summary>
    public void Observe(Tensor images) => _traffic?.Add(images);

    public void Dispose()
    {
        _model.Dispose();
        _traffic?.Dispose();
    }
}
