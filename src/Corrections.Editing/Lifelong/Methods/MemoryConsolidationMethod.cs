using System.Globalization;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// The design (<see cref="LifelongOptions"/>): memory for immediate, exact-and-nearby effect, consolidation for
/// generalisation, a clean-error gate on every consolidation. A refused consolidation leaves the weights as they were;
/// the memory still holds every correction they do not make.
/// </summary>
public sealed class MemoryConsolidationMethod : ICorrectionMethod
{
    private readonly EditableModel _start;
    private EditableModel _model;
    private readonly CorrectionMemory _memory;
    private readonly CorrectionSet _all;
    private readonly LabeledImages _clean;
    private readonly Tensor _referenceImages;
    private readonly Tensor _referenceLabels;
    private readonly LabeledImages _validation;
    private readonly double _startValidationError;
    private readonly LifelongOptions _options;
    private int _pending;

    /// <summary>
    /// <paramref name="clean"/> training data is mixed into every consolidation; <paramref name="reference"/> inputs
    /// (with their true labels) bound the memory's radii; <paramref name="validation"/> inputs gate consolidations.
    /// </summary>
    public MemoryConsolidationMethod(EditableModel start, LabeledImages clean, LabeledImages reference, LabeledImages validation, LifelongOptions options)
    {
        _start = start.Clone();
        _model = start.Clone();
        (_clean, _validation, _options) = (clean, validation, options);
        _referenceImages = reference.Images.alias().DetachFromDisposeScope();
        _referenceLabels = reference.Labels.alias().DetachFromDisposeScope();
        var shape = start.Architecture.InputShape.Select(d => (int)d).ToArray();
        _memory = new CorrectionMemory(options.KeyStage ?? start.Architecture.Stages.Count - 1, options.RadiusScale, shape);
        _memory.Rebuild(_model, new CorrectionSet(shape), _referenceImages, _referenceLabels);
        _all = new CorrectionSet(shape);
        _startValidationError = Metrics.ErrorRate(_start, validation);
        Settings = new Dictionary<string, string>
        {
            ["key_stage"] = start.Architecture.Stages[_memory.KeyStage].Name,
            ["radius_scale"] = options.RadiusScale.ToString(CultureInfo.InvariantCulture),
            ["reference_inputs"] = reference.Count.ToString(CultureInfo.InvariantCulture),
            ["consolidate_every"] = options.ConsolidateEvery.ToString(CultureInfo.InvariantCulture),
            ["steps"] = options.Consolidation.Steps.ToString(CultureInfo.InvariantCulture),
            ["passes_over_corrections"] = options.Consolidation.PassesOverCorrections?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["lr"] = options.Consolidation.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
            ["editable"] = options.Consolidation.Editable.ToString(),
            ["anchor"] = "start version",
            ["from"] = options.FromStart ? "start version" : "previous version",
            ["anchor_coefficient"] = options.Consolidation.AnchorCoefficient.ToString(CultureInfo.InvariantCulture),
            ["batch"] = $"{options.Consolidation.CorrectionBatch} reports + {options.Consolidation.CleanBatch} clean",
            ["clean_limit_pp"] = options.CleanLimitPp.ToString(CultureInfo.InvariantCulture),
        };
    }

    public string Name => "memory-consolidation";

    public IReadOnlyDictionary<string, string> Settings { get; }

    public int Consolidations { get; private set; }

    public int Refused { get; private set; }

    public int MemoryEntries => _memory.Count;

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        _all.Add(input, label);
        _memory.Add(_model, input, label);
        if (++_pending >= _options.ConsolidateEvery)
        {
            Consolidate();
        }
    }

    public long[] Predict(Tensor images) => _memory.Predict(_model, images);

    public void Dispose()
    {
        _start.Dispose();
        _model.Dispose();
        _memory.Dispose();
        _referenceImages.Dispose();
        _referenceLabels.Dispose();
    }

    private void Consolidate()
    {
        _pending = 0;
        var candidate = (_options.FromStart ? _start : _model).Clone();
        Training.Consolidation.Run(candidate, _all, _clean, _start, _options.Consolidation with { Seed = _options.Consolidation.Seed + Consolidations + Refused });
        if (Metrics.DrawdownPp(_startValidationError, Metrics.ErrorRate(candidate, _validation)) > _options.CleanLimitPp)
        {
            Refused++;
            candidate.Dispose();
            return;
        }
        Consolidations++;
        _model.Dispose();
        _model = candidate;
        var held = Metrics.Held(_model, _all);
        // The corrections the weights now make leave the memory but join its reference: an entry of another label
        // must not grow over them.
        using var scope = NewDisposeScope();
        var (images, labels) = _all.Select(Enumerable.Range(0, _all.Count).Where(i => held[i])).ToTensors();
        _memory.Rebuild(_model, _all.Select(Enumerable.Range(0, _all.Count).Where(i => !held[i])), cat([_referenceImages, images]), cat([_referenceLabels, labels]));
    }
}
