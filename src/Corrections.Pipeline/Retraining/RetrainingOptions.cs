using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Retraining;

/// <summary>How corrections are folded back into a model (section <c>Retraining</c>).</summary>
public sealed class RetrainingOptions
{
    public const string Section = "Retraining";

    /// <summary>
    /// <c>retrain</c>: Editable Training for <see cref="Epochs"/> on the training data with every correction waiting
    /// copied in (<see cref="Oversample"/>), from <see cref="From"/>. <c>consolidation</c>: a short fine-tuning of
    /// production on every correction it carries or the backlog holds, mixed with clean training data, anchored by KL to
    /// the base version, Editable Training's terms kept (<see cref="Consolidation"/>); what the new weights do not make
    /// stays in the version's memory. Both register a pending version the gate judges. <c>auto</c> (the default): a
    /// consolidation for the models whose chains remember (<c>Memory:Models</c>), a retrain for the others.
    /// </summary>
    [RegularExpression("^(auto|retrain|consolidation)$")]
    public string Recipe { get; set; } = "auto";

    /// <summary>How long a consolidation waits, once trained, for the chain to have no pending candidate before it gives up.</summary>
    [Range(1, 3600)]
    public int ConsolidationWaitSeconds { get; set; } = 120;

    /// <summary>
    /// A consolidation's steps: at most <see cref="ConsolidationSteps"/>, enough to show each correction
    /// <see cref="ConsolidationPasses"/> times, at <see cref="ConsolidationLearningRate"/>; KL to the base ×
    /// <see cref="ConsolidationAnchor"/>. Tuned on the blur shift (bench/README.md, lifelong correction).
    /// </summary>
    [Range(1, 100_000)]
    public int ConsolidationSteps { get; set; } = 300;

    [Range(1, 1000)]
    public int ConsolidationPasses { get; set; } = 16;

    [Range(1e-6, 1)]
    public double ConsolidationLearningRate { get; set; } = 3e-4;

    [Range(0, 100)]
    public double ConsolidationAnchor { get; set; } = 0.3;

    /// <summary>
    /// A consolidation's clean limit: the most error it may add against the chain's base on the first validation set
    /// that fits the model (the gate's clean set), in pp. One over it is registered part of the way
    /// (<see cref="ConsolidationInterpolationShares"/>), or not at all: its corrections then wait for the next run. Null:
    /// the gate alone judges it. 0.3 pp is the design's limit (LifelongOptions.CleanLimitPp): at a converged start every
    /// full consolidation of the blur shift broke it, and only part-way versions learned the shift (bench/README.md).
    /// </summary>
    [Range(0.0, 100.0)]
    public double? ConsolidationCleanLimitPp { get; set; } = 0.3;

    /// <summary>
    /// For a consolidation over <see cref="ConsolidationCleanLimitPp"/>: the shares of the way from production's weights
    /// to its own tried in turn, comma-separated (the first within the limit is registered); <c>none</c> refuses it.
    /// </summary>
    [RegularExpression(@"^(none|0?\.[0-9]*[1-9][0-9]*( *, *0?\.[0-9]*[1-9][0-9]*)*)$")]
    public string ConsolidationInterpolationShares { get; set; } = "0.75,0.5,0.25";

    /// <summary><see cref="ConsolidationInterpolationShares"/> as numbers (a method: validation reads every property, and the setting may be malformed).</summary>
    public IReadOnlyList<double> Shares() => ConsolidationInterpolationShares == "none" ? []
        : [.. ConsolidationInterpolationShares.Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The consolidation these settings describe.</summary>
    public Corrections.Editing.Training.ConsolidationOptions Consolidation => new()
    {
        Editable = true,
        Steps = ConsolidationSteps,
        PassesOverCorrections = ConsolidationPasses,
        AnchorCoefficient = ConsolidationAnchor,
        LearningRate = ConsolidationLearningRate,
        CropPadding = CropPadding,
        Seed = Seed,
    };

    /// <summary>
    /// <c>base</c> starts from the last trained (base or retrain) version, so the drift of sequential edits goes away;
    /// <c>production</c> starts from the current production version; <c>scratch</c> trains a fresh network of the same
    /// architecture, editable subset and editor (give it more <see cref="Epochs"/>).
    /// </summary>
    [RegularExpression("^(base|production|scratch)$")]
    public string From { get; set; } = "base";

    /// <summary>Training data: <c>fashion-mnist</c> or <c>cifar10</c>, and its directory.</summary>
    public string Format { get; set; } = "fashion-mnist";

    public string Path { get; set; } = Corrections.Editing.Data.FashionMnist.DefaultDirectory;

    [Range(1, 100)]
    public int Epochs { get; set; } = 1;

    [Range(1e-6, 1)]
    public double LearningRate { get; set; } = 1e-3;

    [Range(1, 4096)]
    public int BatchSize { get; set; } = 128;

    /// <summary>
    /// Copies of each correction in the training mix. On Fashion-MNIST, 20 left 41 % of 340 corrections holding after
    /// one epoch, 100 left 94 % (bench/README.md).
    /// </summary>
    [Range(1, 1000)]
    public int Oversample { get; set; } = 100;

    /// <summary>
    /// Most images the copies of all corrections may add, as a share of the training images: <see cref="Oversample"/>
    /// drops to fit. At 1.0, 340 corrections keep their 100 copies on Fashion-MNIST (34,000 against 60,000), while the
    /// 9,400 a 10,000-report burst defers get 6 each instead of making a 1,000,000-image epoch.
    /// </summary>
    [Range(0.01, 100)]
    public double MaxCorrectionsShare { get; set; } = 1.0;

    /// <summary>
    /// Most images the copies of one producer's corrections may add, as a share of the training images: that producer's
    /// copies drop to fit, so one producer cannot make most of what a retrain learns from corrections. The default is
    /// <see cref="MaxCorrectionsShare"/>'s, so with one producer it does not bind; set it lower where several report.
    /// </summary>
    [Range(0.01, 100)]
    public double MaxProducerShare { get; set; } = 1.0;

    /// <summary>Copies of each of <paramref name="corrections"/> corrections beside <paramref name="trainingImages"/> images.</summary>
    public int CopiesFor(int corrections, int trainingImages) =>
        corrections == 0 ? Oversample : Math.Clamp((int)(MaxCorrectionsShare * trainingImages / corrections), 1, Oversample);

    /// <summary>Copies of each correction of a producer that sent <paramref name="producerCorrections"/> of them.</summary>
    public int CopiesFor(int corrections, int producerCorrections, int trainingImages) =>
        Math.Min(CopiesFor(corrections, trainingImages),
            producerCorrections == 0 ? Oversample : Math.Max(1, (int)(MaxProducerShare * trainingImages / producerCorrections)));

    /// <summary>Random crop padding for augmentation (pixels; 0 for none). Corrections are augmented like the rest.</summary>
    [Range(0, 8)]
    public int CropPadding { get; set; } = 2;

    public long Seed { get; set; } = 1;

    /// <summary>
    /// How late a scheduled run may start before it counts as missed (misfired). A missed run is not made up: Quartz's
    /// policy is do nothing, and the job itself drops a cron fire that starts later than this; the next fire of the cron
    /// runs as planned. A run asked for by hand (<c>corrections retrain</c>) is never dropped.
    /// </summary>
    [Range(1, 86_400)]
    public int MisfireThresholdSeconds { get; set; } = 60;

    /// <summary>Use only the first N training images (0: all); for tests and quick trials.</summary>
    [Range(0, int.MaxValue)]
    public int TrainLimit { get; set; }
}
