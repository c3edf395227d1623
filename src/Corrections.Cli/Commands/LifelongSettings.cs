using System.ComponentModel;
using Corrections.Cli.Benchmarks;
using Corrections.Editing.Shifts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

/// <summary>The stream, the models, and every method's hyperparameters (defaults: tuned on the blur shift; bench/README.md).</summary>
public sealed class LifelongSettings : ComputeSettings
{
    [CommandOption("-m|--model")]
    [Description("The start model (editable), as deployed when the shift begins")]
    public string Model { get; init; } = ".corrections/models/fashion-mnist-editable-3ep.ctm";

    [CommandOption("--plain-model")]
    [Description("A plain-trained model for the plain-editor method")]
    public string? PlainModel { get; init; }

    [CommandOption("--oracle")]
    [Description("A model trained on clean + the whole shifted train split (corrections shift --oracle-data, then train)")]
    public string? Oracle { get; init; }

    [CommandOption("-s|--shift")]
    [Description("A shift family generated in memory (fog, noise, rotation, occlusion, blur) or fashion-mnist:DIR for one made elsewhere")]
    public string Shift { get; init; } = "";

    [CommandOption("--shift-seed")]
    [DefaultValue(1L)]
    public long ShiftSeed { get; init; } = 1;

    [CommandOption("--data")]
    [Description("The clean data")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--methods")]
    [Description("Comma list, or all: " + LifelongMethods.AllNames + "; and service, through the running worker (not in all)")]
    [DefaultValue("all")]
    public string Methods { get; init; } = "all";

    [CommandOption("--reports")]
    [DefaultValue(2000)]
    public int Reports { get; init; } = 2000;

    [CommandOption("--every")]
    [Description("Reports between checkpoints")]
    [DefaultValue(100)]
    public int Every { get; init; } = 100;

    [CommandOption("--seed")]
    [DefaultValue(20261201L)]
    public long Seed { get; init; } = 20261201;

    [CommandOption("-o|--out")]
    [Description("Path stem of the result files (.json, -shifted.png, -retention.png, -clean.png)")]
    public string? Out { get; init; }

    [CommandOption("--json")]
    public bool Json { get; init; }

    [CommandOption("--radius-scale")]
    [Description("memory-consolidation: share of half the distance to the nearest other-label key a radius may reach")]
    [DefaultValue(0.5)]
    public double RadiusScale { get; init; } = 0.5;

    [CommandOption("--consolidate-every")]
    [DefaultValue(100)]
    public int ConsolidateEvery { get; init; } = 100;

    [CommandOption("--consolidation-steps")]
    [DefaultValue(300)]
    public int ConsolidationSteps { get; init; } = 300;

    [CommandOption("--passes")]
    [Description("memory-consolidation: steps enough to show each correction this many times (at most --consolidation-steps); 0: always the most")]
    [DefaultValue(16)]
    public int Passes { get; init; } = 16;

    [CommandOption("--consolidation-lr")]
    [DefaultValue(3e-4)]
    public double ConsolidationLearningRate { get; init; } = 3e-4;

    [CommandOption("--anchor")]
    [Description("memory-consolidation: weight of KL(start ‖ model) on clean images")]
    [DefaultValue(0.3)]
    public double Anchor { get; init; } = 0.3;

    [CommandOption("--anchor-previous")]
    [Description("memory-consolidation: anchor each consolidation's KL term to the version before it instead of the start version")]
    public bool AnchorPrevious { get; init; }

    [CommandOption("--consolidate-from-start")]
    [Description("memory-consolidation: each consolidation starts from the start model, not from the previous one")]
    public bool ConsolidateFromStart { get; init; }

    [CommandOption("--correction-batch")]
    [Description("memory-consolidation: reports per consolidation step (the rest of the 128 are clean images)")]
    [DefaultValue(32)]
    public int CorrectionBatch { get; init; } = 32;

    [CommandOption("--plain-consolidation")]
    [Description("memory-consolidation: fine-tune on the task loss alone, without Editable Training's terms")]
    public bool PlainConsolidation { get; init; }

    [CommandOption("--clean-limit")]
    [Description("memory-consolidation: refuse a consolidation that costs more than this on clean validation images (pp)")]
    [DefaultValue(0.3)]
    public double CleanLimit { get; init; } = 0.3;

    [CommandOption("--interpolation-shares")]
    [Description("memory-consolidation, and naive-consolidation with --naive-clean-limit: for a consolidation over its clean limit, try the versions these shares of the way from the weights it started from to its own (comma-separated), the first within the limit instead; none: refuse it")]
    [DefaultValue("0.75,0.5,0.25")]
    public string InterpolationShares { get; init; } = "0.75,0.5,0.25";

    /// <summary>The parsed <see cref="InterpolationShares"/> (validated).</summary>
    public IReadOnlyList<double> Shares() => InterpolationShares.Trim() == "none" ? [] : [.. List(InterpolationShares).Select(v => double.Parse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture))];

    // The comma lists of --shift-gate, --traffic-methods and --interpolation-shares.
    private static string[] List(string value) => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    // The first name in a list of consolidating methods that is none of them, if any.
    private static string? NotConsolidating(string value) => List(value).Except(["memory-consolidation", "naive-consolidation", "none"]).FirstOrDefault();

    [CommandOption("--hold-out-every")]
    [Description("memory-consolidation: hold every n-th report out of the consolidations' training (still remembered) and refuse a consolidation whose weights get more of the older held-out reports wrong than production's; 0 for none")]
    [DefaultValue(0)]
    public int HoldOutEvery { get; init; }

    [CommandOption("--shift-validation")]
    [Description("Reserve this many shifted training images from the stream (no report is drawn from them, for any method) as the shift gate's slice: a gated method refuses a consolidation whose weights do worse on them than production's; 0 for none")]
    [DefaultValue(0)]
    public int ShiftValidation { get; init; }

    [CommandOption("--shift-gate")]
    [Description("The methods gated on the --shift-validation slice: memory-consolidation, naive-consolidation, both (comma-separated), or none")]
    [DefaultValue("memory-consolidation")]
    public string ShiftGate { get; init; } = "memory-consolidation";

    /// <summary>Whether <paramref name="method"/> is gated on the shift's slice.</summary>
    public bool Gates(string method) => ShiftValidation > 0 && List(ShiftGate).Contains(method);

    [CommandOption("--traffic")]
    [Description("Reserve this many shifted training images (before the --shift-validation slice) as unexamined traffic: served unlabelled, one per image monitoring examines, to the --traffic-methods, which train on the share production answers confidently; 0 for none")]
    [DefaultValue(0)]
    public int Traffic { get; init; }

    [CommandOption("--traffic-methods")]
    [Description("The methods that learn from --traffic: memory-consolidation, naive-consolidation, both (comma-separated), or none")]
    [DefaultValue("memory-consolidation")]
    public string TrafficMethods { get; init; } = "memory-consolidation";

    [CommandOption("--pseudo-confidence")]
    [Description("The probability production's answer to a traffic image must reach for the image to join a consolidation with that answer as its label")]
    [DefaultValue(0.95)]
    public double PseudoConfidence { get; init; } = 0.95;

    [CommandOption("--pseudo-batch")]
    [Description("Pseudo-labelled traffic images in every consolidation step, beside the reports and the clean images")]
    [DefaultValue(32)]
    public int PseudoBatch { get; init; } = 32;

    /// <summary>The pseudo-label confidence for <paramref name="method"/>, or null where it does not learn from traffic.</summary>
    public double? LearnsFromTraffic(string method) => Traffic > 0 && List(TrafficMethods).Contains(method) ? PseudoConfidence : null;

    [CommandOption("--correction-noise")]
    [Description("memory-consolidation: std of the pixel noise added to the reports' rows in a consolidation")]
    [DefaultValue(0.0)]
    public double CorrectionNoise { get; init; }

    [CommandOption("--average-tail")]
    [Description("memory-consolidation: share of a consolidation's last steps whose weights are averaged into the version")]
    [DefaultValue(0.0)]
    public double AverageTail { get; init; }

    [CommandOption("--alternative-recipe")]
    [Description("memory-consolidation: naive, to fold naive-consolidation's recipe (the --naive-* settings) beside the design's at every consolidation and keep the one that does better on the --shift-validation slice (which it needs); none: the design's recipe alone")]
    [DefaultValue("none")]
    public string AlternativeRecipe { get; init; } = "none";

    [CommandOption("--plain-editor-lr")]
    [Description("plain-editor: the editor learning rate (a plain model learned none)")]
    [DefaultValue(1e-3)]
    public double PlainEditorLearningRate { get; init; } = 1e-3;

    [CommandOption("--grace-radius")]
    [Description("grace: the initial radius ε₀ of a key")]
    [DefaultValue(4.0)]
    public double GraceRadius { get; init; } = 4;

    [CommandOption("--naive-steps")]
    [DefaultValue(300)]
    public int NaiveSteps { get; init; } = 300;

    [CommandOption("--naive-passes")]
    [Description("naive-consolidation: take only enough steps to show each report this many times (at most --naive-steps); 0 for always --naive-steps")]
    [DefaultValue(8)]
    public int NaivePasses { get; init; } = 8;

    [CommandOption("--naive-lr")]
    [DefaultValue(1e-3)]
    public double NaiveLearningRate { get; init; } = 1e-3;

    [CommandOption("--naive-anchor")]
    [Description("naive-consolidation: weight of KL(previous version ‖ model) on clean images")]
    [DefaultValue(0.3)]
    public double NaiveAnchor { get; init; } = 0.3;

    [CommandOption("--naive-clean-limit")]
    [Description("naive-consolidation: a consolidation that costs more than this on the clean validation images against the start (pp) is admitted part of the way (--interpolation-shares) or refused, as the design's --clean-limit does; 0 for no limit")]
    [DefaultValue(0.0)]
    public double NaiveCleanLimit { get; init; }

    [CommandOption("--retrain-every")]
    [DefaultValue(500)]
    public int RetrainEvery { get; init; } = 500;

    [CommandOption("--retrain-limit")]
    [Description("retraining: clean training images per retraining (0: all)")]
    [DefaultValue(0)]
    public int RetrainLimit { get; init; }

    [CommandOption("--service-model")]
    [Description("service: the registered model the reports go to; the worker must run with it under Memory:Models (bench/lifelong-service.sh)")]
    public string? ServiceModel { get; init; }

    [CommandOption("--service-rate")]
    [Description("service: most reports published per second")]
    [DefaultValue(2.0)]
    public double ServiceRate { get; init; } = 2;

    [CommandOption("--service-timeout")]
    [Description("service: seconds a report may take to settle before the run stops")]
    [DefaultValue(300)]
    public int ServiceTimeout { get; init; } = 300;

    public IReadOnlyList<string> MethodNames() => Methods == "all"
        ? LifelongMethods.Names.Where(n => (n != "plain-editor" || PlainModel is not null) && (n != "oracle" || Oracle is not null)).ToList()
        : Methods.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Shift))
        {
            return ValidationResult.Error($"--shift is required: one of {string.Join(", ", ImageShifts.Names)}, or fashion-mnist:DIR.");
        }
        if (!Shift.Contains(':') && !ImageShifts.Names.Contains(Shift.ToLowerInvariant()))
        {
            return ValidationResult.Error($"Unknown shift '{Shift}'. Known: {string.Join(", ", ImageShifts.Names)}, or fashion-mnist:DIR.");
        }
        var unknown = MethodNames().Where(n => !LifelongMethods.Names.Contains(n) && n != LifelongMethods.Service).ToList();
        if (unknown.Count > 0)
        {
            return ValidationResult.Error($"Unknown method '{unknown[0]}'. Known: {LifelongMethods.AllNames}, and {LifelongMethods.Service} (through the running worker).");
        }
        if (MethodNames().Contains(LifelongMethods.Service) && ServiceModel is null)
        {
            return ValidationResult.Error("service needs --service-model (a registered model the running worker remembers for).");
        }
        if (MethodNames().Contains("plain-editor") && PlainModel is null)
        {
            return ValidationResult.Error("plain-editor needs --plain-model (train one with `corrections train --plain`).");
        }
        if (MethodNames().Contains("oracle") && Oracle is null)
        {
            return ValidationResult.Error("oracle needs --oracle (a model trained on clean + shifted training data).");
        }
        if (Reports < 1 || Every < 1 || ConsolidateEvery < 1 || RetrainEvery < 1)
        {
            return ValidationResult.Error("--reports, --every, --consolidate-every and --retrain-every must be at least 1.");
        }
        if (CorrectionBatch is < 1 or > 126)
        {
            return ValidationResult.Error("--correction-batch lies in [1, 126]: the rest of the 128 images of a step are clean.");
        }
        if (ShiftValidation is < 0 or > 30_000)
        {
            return ValidationResult.Error("--shift-validation lies in [0, 30000]: at least half of the shifted training split stays for the stream.");
        }
        if (NotConsolidating(ShiftGate) is { } ungated)
        {
            return ValidationResult.Error($"--shift-gate names memory-consolidation, naive-consolidation or none, not '{ungated}'.");
        }
        if (Traffic < 0 || ShiftValidation + Traffic > 30_000)
        {
            return ValidationResult.Error("--traffic is at least 0, and with --shift-validation at most 30000: at least half of the shifted training split stays for the stream.");
        }
        if (NotConsolidating(TrafficMethods) is { } other)
        {
            return ValidationResult.Error($"--traffic-methods names memory-consolidation, naive-consolidation or none, not '{other}'.");
        }
        if (InterpolationShares.Trim() != "none" && List(InterpolationShares).Any(v => !double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share) || share is <= 0 or >= 1))
        {
            return ValidationResult.Error($"--interpolation-shares takes shares in (0, 1), comma-separated, or none, not '{InterpolationShares}'.");
        }
        if (NaiveCleanLimit < 0)
        {
            return ValidationResult.Error("--naive-clean-limit is at least 0 (0: no limit).");
        }
        if (PseudoConfidence is <= 0 or >= 1 || PseudoBatch is < 0 or > 512)
        {
            return ValidationResult.Error("--pseudo-confidence lies in (0, 1) and --pseudo-batch in [0, 512].");
        }
        if (AlternativeRecipe is not ("none" or "naive"))
        {
            return ValidationResult.Error($"--alternative-recipe is naive or none, not '{AlternativeRecipe}'.");
        }
        if (AlternativeRecipe == "naive" && !Gates("memory-consolidation"))
        {
            return ValidationResult.Error("--alternative-recipe naive is chosen on the shift's slice: give --shift-validation, with memory-consolidation under --shift-gate.");
        }
        return RadiusScale is <= 0 or > 1 ? ValidationResult.Error("--radius-scale lies in (0, 1].") : ValidationResult.Success();
    }
}
