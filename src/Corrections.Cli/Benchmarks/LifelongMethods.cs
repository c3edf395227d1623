using Corrections.Cli.Commands;
using Corrections.Editing.Correcting;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Lifelong.Methods;
using Corrections.Editing.Training;

namespace Corrections.Cli.Benchmarks;

/// <summary>The methods of the lifelong benchmark by name, built from the command's settings.</summary>
public static class LifelongMethods
{
    public const string AllNames = "none, oracle, lookup-cache, plain-editor, editable-chain, grace, naive-consolidation, retraining, memory-consolidation";

    public static IReadOnlyList<string> Names { get; } = AllNames.Split(", ");

    /// <summary>The running service (<see cref="ServiceMethod"/>): asked for by name, never part of all.</summary>
    public const string Service = "service";

    /// <summary>
    /// Disjoint slices of the clean training split: the memory's reference inputs and the gates' validation inputs.
    /// The stream measures on the test splits, which no method sees.
    /// </summary>
    public sealed class CleanSlices(LabeledImages reference, LabeledImages validation) : IDisposable
    {
        public LabeledImages Reference { get; } = reference;
        public LabeledImages Validation { get; } = validation;

        public static CleanSlices Of(LabeledImages train) =>
            new(train.Select(Enumerable.Range(0, 5000).Select(i => (long)i).ToArray()), train.Select(Enumerable.Range(5000, 2000).Select(i => (long)i).ToArray()));

        public void Dispose()
        {
            Reference.Dispose();
            Validation.Dispose();
        }
    }

    /// <summary>
    /// The method <paramref name="name"/>, from <paramref name="start"/> (or the <paramref name="plain"/> model, or the
    /// <paramref name="oracle"/>) with <paramref name="s"/>'s settings, <paramref name="clean"/> training data and the
    /// <paramref name="slices"/>. A consolidating method gets a shift gate of its own on <paramref name="shiftSlice"/>
    /// (<c>--shift-validation</c>) when there is one.
    /// </summary>
    public static ICorrectionMethod Create(string name, LifelongSettings s, EditableModel start, EditableModel? plain, EditableModel? oracle, LabeledImages clean, CleanSlices slices, LabeledImages? shiftSlice = null) => name switch
    {
        Service => ServiceMethod.Open(s.ServiceModel!, s.Shift, s.ServiceRate, s.ServiceTimeout),
        "none" => new FixedModel("none", start),
        "oracle" => new FixedModel("oracle", oracle!, new Dictionary<string, string> { ["model"] = s.Oracle! }),
        "lookup-cache" => new LookupCacheMethod(start),
        "plain-editor" => new EditorMethod("plain-editor", plain!, keepEarlier: false, slices.Validation.Images, slices.Validation.Labels, learningRate: s.PlainEditorLearningRate),
        "editable-chain" => new EditorMethod("editable-chain", start, keepEarlier: true, slices.Validation.Images, slices.Validation.Labels),
        "grace" => new CodebookMethod(start, s.GraceRadius),
        "naive-consolidation" => new ConsolidationMethod(start, clean, Naive(s), s.Every,
            s.Gates("naive-consolidation") && shiftSlice is not null ? new ShiftGate(shiftSlice) : null, s.LearnsFromTraffic("naive-consolidation"),
            s.NaiveCleanLimit > 0 ? new CleanLimit(start, slices.Validation, s.NaiveCleanLimit, s.Shares()) : null),
        "retraining" => new RetrainingMethod(start, s.RetrainLimit > 0 && s.RetrainLimit < clean.Count ? clean.Take(s.RetrainLimit) : clean,
            new EditableTrainingOptions { Epochs = 1, TrainingMaxSteps = 3, Seed = 1 }, s.RetrainEvery),
        "memory-consolidation" => new MemoryConsolidationMethod(start, clean, slices.Reference, slices.Validation, new LifelongOptions
        {
            Memory = new MemoryOptions { RadiusScale = s.RadiusScale },
            ConsolidateEvery = s.ConsolidateEvery,
            CleanLimitPp = s.CleanLimit,
            InterpolationShares = s.Shares(),
            FromStart = s.ConsolidateFromStart,
            HoldOutEvery = s.HoldOutEvery,
            AnchorToPrevious = s.AnchorPrevious,
            ShiftGate = s.Gates("memory-consolidation") && shiftSlice is not null ? new ShiftGate(shiftSlice) : null,
            PseudoLabelConfidence = s.LearnsFromTraffic("memory-consolidation"),
            Alternative = s.AlternativeRecipe == "naive" ? new ConsolidationRecipe("naive", Naive(s), AnchorToPrevious: true) : null,
            Consolidation = new ConsolidationOptions
            {
                Steps = s.ConsolidationSteps,
                LearningRate = s.ConsolidationLearningRate,
                AnchorCoefficient = s.Anchor,
                CorrectionBatch = s.CorrectionBatch,
                PassesOverCorrections = s.Passes > 0 ? s.Passes : null,
                CleanBatch = 128 - s.CorrectionBatch,
                Editable = !s.PlainConsolidation,
                CorrectionNoise = s.CorrectionNoise,
                AverageTail = s.AverageTail,
                PseudoBatch = s.PseudoBatch,
            },
        }),
        _ => throw new ArgumentException($"Unknown method '{name}'. Known: {AllNames}."),
    };

    // naive-consolidation's recipe, which the design may also fold (--alternative-recipe naive): plain fine-tuning, KL to the previous version.
    private static ConsolidationOptions Naive(LifelongSettings s) => new()
    {
        Steps = s.NaiveSteps,
        LearningRate = s.NaiveLearningRate,
        AnchorCoefficient = s.NaiveAnchor,
        PassesOverCorrections = s.NaivePasses > 0 ? s.NaivePasses : null,
        PseudoBatch = s.PseudoBatch,
    };
}
