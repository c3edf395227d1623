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
public sealed class MemoryConsolidationMethod : ICorrectionMethod, IRemembers, IObservesTraffic
{
    private readonly EditableModel _start;
    private EditableModel _model;
    private readonly CorrectionSet _all;
    private readonly CorrectionSet _trained;
    private readonly List<int> _heldOut = [];
    private int _weightsSince;
    private readonly LabeledImages _clean;
    private readonly LabeledImages _reference;
    private readonly CleanLimit _cleanLimit;
    private readonly LifelongOptions _options;
    private readonly ObservedTraffic? _traffic;
    private int _pending;
    private readonly Dictionary<string, int> _chosen = [];
    private readonly Dictionary<string, string> _settings;

    /// <summary>
    /// <paramref name="clean"/> training data is mixed into every consolidation; <paramref name="reference"/> inputs
    /// (with their true labels) bound the memory's radii; <paramref name="validation"/> inputs gate consolidations.
    /// </summary>
    public MemoryConsolidationMethod(EditableModel start, LabeledImages clean, LabeledImages reference, LabeledImages validation, LifelongOptions options)
    {
        _start = start.Clone();
        (_clean, _reference, _options) = (clean, reference, options);
        // The start's own memory (if any) is not the stream's: the stream's memory starts empty.
        using (var empty = Correcting.Remembering.Candidate(start, new CorrectionSet([.. start.Architecture.InputShape.Select(d => (int)d)]), reference, options.Memory))
        {
            _model = empty.TakeModel();
        }
        _all = new CorrectionSet([.. start.Architecture.InputShape.Select(d => (int)d)]);
        _trained = new CorrectionSet([.. start.Architecture.InputShape.Select(d => (int)d)]);
        if (options.Alternative is not null && options.ShiftGate is null)
        {
            throw new ArgumentException("An alternative consolidation recipe is chosen on the shift gate's slice: give the design a shift gate.", nameof(options));
        }
        _cleanLimit = new CleanLimit(_start, validation, options.CleanLimitPp, options.InterpolationShares);
        _traffic = options.PseudoLabelConfidence is double confidence ? new ObservedTraffic(confidence) : null;
        _settings = new Dictionary<string, string>
        {
            ["key_stage"] = start.Architecture.Stages[_model.Memory!.KeyStage].Name,
            ["radius_scale"] = options.Memory.RadiusScale.ToString(CultureInfo.InvariantCulture),
            ["reference_inputs"] = reference.Count.ToString(CultureInfo.InvariantCulture),
            ["consolidate_every"] = options.ConsolidateEvery.ToString(CultureInfo.InvariantCulture),
            ["steps"] = options.Consolidation.Steps.ToString(CultureInfo.InvariantCulture),
            ["passes_over_corrections"] = options.Consolidation.PassesOverCorrections?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["lr"] = options.Consolidation.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
            ["editable"] = options.Consolidation.Editable.ToString(),
            ["anchor"] = options.AnchorToPrevious ? "previous version" : "start version",
            ["from"] = options.FromStart ? "start version" : "previous version",
            ["anchor_coefficient"] = options.Consolidation.AnchorCoefficient.ToString(CultureInfo.InvariantCulture),
            ["batch"] = $"{options.Consolidation.CorrectionBatch} reports + {options.Consolidation.CleanBatch} clean",
            ["clean_limit_pp"] = options.CleanLimitPp.ToString(CultureInfo.InvariantCulture),
            ["interpolation_shares"] = _cleanLimit.SharesSetting,
            ["hold_out_every"] = options.HoldOutEvery.ToString(CultureInfo.InvariantCulture),
            ["correction_noise"] = options.Consolidation.CorrectionNoise.ToString(CultureInfo.InvariantCulture),
            ["average_tail"] = options.Consolidation.AverageTail.ToString(CultureInfo.InvariantCulture),
            ["alternative_recipe"] = options.Alternative is { } a ? $"{a.Name}: {(a.Consolidation.Editable ? "editable" : "plain")} fine-tuning, lr {a.Consolidation.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}, {a.Consolidation.PassesOverCorrections?.ToString(CultureInfo.InvariantCulture) ?? "no"} passes, at most {a.Consolidation.Steps} steps, KL to the {(a.AnchorToPrevious ? "previous" : "start")} version × {a.Consolidation.AnchorCoefficient.ToString(CultureInfo.InvariantCulture)}" : "none",
            ["shift_gate"] = options.ShiftGate?.Slice.Count.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["pseudo_label_confidence"] = options.PseudoLabelConfidence?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["pseudo_batch"] = options.PseudoLabelConfidence is null ? "none" : options.Consolidation.PseudoBatch.ToString(CultureInfo.InvariantCulture),
        };
    }

    public string Name => "memory-consolidation";

    /// <summary>The settings, and what the stream made of them so far: consolidations admitted (by recipe), part of the way, refused.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(_settings)
    {
        ["consolidations"] = Consolidations.ToString(CultureInfo.InvariantCulture),
        ["consolidations_by_recipe"] = string.Join(", ", _chosen.Select(c => $"{c.Key} {c.Value}")),
        ["part_way_admissions"] = Interpolated.ToString(CultureInfo.InvariantCulture),
        ["refused"] = Refused.ToString(CultureInfo.InvariantCulture),
        ["refused_on_shift"] = RefusedOnShift.ToString(CultureInfo.InvariantCulture),
    };

    public int Consolidations { get; private set; }

    public int Refused { get; private set; }

    /// <summary>Versions admitted part of the way (<see cref="LifelongOptions.InterpolationShares"/>), of every recipe folded.</summary>
    public int Interpolated => _cleanLimit.PartWay;

    /// <summary>
    /// Consolidations refused because their weights did worse than production's on the shift: on the held-out reports,
    /// or on the <see cref="LifelongOptions.ShiftGate"/>'s slice.
    /// </summary>
    public int RefusedOnShift { get; private set; }

    /// <summary>Admitted consolidations by the recipe that made them (<see cref="LifelongOptions.Alternative"/>).</summary>
    public IReadOnlyDictionary<string, int> Chosen => _chosen;

    public int MemoryEntries => _model.Memory?.Count ?? 0;

    /// <summary>Traffic inputs the last consolidation trained on, pseudo-labelled (0 without <see cref="LifelongOptions.PseudoLabelConfidence"/>).</summary>
    public int PseudoLabelled => _traffic?.LastLabelled ?? 0;

    /// <summary>Kept only when <see cref="LifelongOptions.PseudoLabelConfidence"/> is set.</summary>
    public void Observe(Tensor images) => _traffic?.Add(images);

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        if (_options.HoldOutEvery > 0 && (_all.Count + 1) % _options.HoldOutEvery == 0)
        {
            _heldOut.Add(_all.Count);
        }
        else
        {
            _trained.Add(input, label);
        }
        _all.Add(input, label);
        _model.Memory!.Add(_model, input, label);
        if (++_pending >= _options.ConsolidateEvery)
        {
            Consolidate();
        }
    }

    public long[] Predict(Tensor images) => Predictions.Of(_model, images);

    public long[] PredictByWeights(Tensor images)
    {
        using var scope = NewDisposeScope();
        return _model.WeightLogits(images).argmax(1).cpu().data<long>().ToArray();
    }

    public void Dispose()
    {
        _start.Dispose();
        _model.Dispose();
        _traffic?.Dispose();
    }

    private void Consolidate()
    {
        _pending = 0;
        // Labelled by production as it stands, once its weights have learned from the shift at all: the start model's
        // confident answers on a new distribution are often confidently wrong, and would teach it its own mistakes.
        using var pseudo = Consolidations > 0 ? _traffic?.Labelled(_model, _clean.ClassNames) : null;
        var from = _options.FromStart ? _start : _model;
        var admitted = new List<(string Recipe, EditableModel Model)>();
        foreach (var recipe in Recipes())
        {
            var folded = Training.Consolidation.Fold(from, _all, _clean, recipe.AnchorToPrevious ? _model : _start, _reference,
                recipe.Consolidation with { Seed = recipe.Consolidation.Seed + Consolidations + Refused }, _options.Memory, _trained, pseudo);
            var (keyStage, radiusScale) = (folded.Memory!.KeyStage, folded.Memory.RadiusScale);
            if (_cleanLimit.Admit(from, folded, partial => Training.Folding.Remember(partial, _all, _reference, keyStage, radiusScale)) is { } within)
            {
                admitted.Add((recipe.Name, within));
            }
        }
        if (admitted.Count == 0)
        {
            Refused++;
            return;
        }
        var best = admitted.Count == 1 ? 0 : _options.ShiftGate!.Best([.. admitted.Select(a => a.Model)]);
        foreach (var (_, other) in admitted.Where((_, i) => i != best))
        {
            other.Dispose();
        }
        var (chosen, candidate) = admitted[best];
        var shiftValidation = _all.Select(_heldOut.Where(i => i < _weightsSince));
        if (Metrics.HeldShareByWeights(candidate, shiftValidation) < Metrics.HeldShareByWeights(_model, shiftValidation)
            || _options.ShiftGate?.Admit(candidate, _model) == false)
        {
            Refused++;
            RefusedOnShift++;
            candidate.Dispose();
            return;
        }
        Consolidations++;
        _chosen[chosen] = _chosen.GetValueOrDefault(chosen) + 1;
        _weightsSince = _all.Count;
        _model.Dispose();
        _model = candidate;
    }

    // The design's recipe first (it wins ties), then the alternative, if any.
    private IEnumerable<ConsolidationRecipe> Recipes()
    {
        yield return new ConsolidationRecipe("design", _options.Consolidation, _options.AnchorToPrevious);
        if (_options.Alternative is { } alternative)
        {
            yield return alternative;
        }
    }
}
