using System.Diagnostics;
using Corrections.Cli.Commands;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;

namespace Corrections.Cli.Benchmarks;

/// <summary>
/// Trains the plain and the editable Fashion-MNIST models from scratch, runs every protocol and baseline on both,
/// measures throughput, latency and memory, and tries cheaper formulations of Editable Training. Everything a claim
/// in the README rests on comes from here.
/// </summary>
public sealed class EditabilityBenchmark(BenchmarkCommand.Settings settings, string workDirectory)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public EditabilityReport Run(CancellationToken cancellation)
    {
        using var train = DataSources.Load(settings.Data, DatasetSplit.Train, settings.TrainLimit);
        using var test = DataSources.Load(settings.Data, DatasetSplit.Test);
        using var split = new CorrectionSplit(test);
        var (pool, heldOut) = (split.Reports, split.HeldOut);

        var plainRun = TrainCommand.Train(Recipe(plain: true), train, test, Path.Combine(workDirectory, "plain.ctm"), null, cancellation);
        var editableRun = settings.EditableFromPlain > 0
            ? FineTuned(train, test, cancellation)
            : TrainCommand.Train(Recipe(plain: false), train, test, Path.Combine(workDirectory, "editable.ctm"), null, cancellation);
        using var plain = EditableModel.Load(plainRun.Model, settings.Compute.Device);
        using var editable = EditableModel.Load(editableRun.Model, settings.Compute.Device);

        Log("plain editor learning-rate sweep");
        var sweep = PlainEditorSweep.Run(plain, test, settings.PlainLearningRates.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            settings.SweepEdits, settings.PlainMaxSteps, settings.Seed + 7);
        plain.Editor.SetLearningRate(sweep.Best.LearningRate);
        plain.Editor.LimitSteps(settings.PlainMaxSteps);

        var rows = new List<ProtocolResult>();
        foreach (var (name, model) in new[] { ("plain", plain), ("editable", editable) })
        {
            Log($"protocols on the {name} model");
            using var full = new EvaluationSet("test", model, test);
            using var second = new EvaluationSet(CorrectionSplit.HeldOutName, model, heldOut);
            var paperCases = EditCases.Random(model, test, settings.Edits, settings.Seed);
            var mistakes = EditCases.Mistakes(model, pool, settings.Edits, settings.Seed);
            var sequentialCases = mistakes.Take(settings.SequentialEdits).ToList();
            var generalizationCases = mistakes.Take(settings.GeneralizationEdits).ToList();
            rows.Add(EditProtocols.Independent("paper", name, full, test, paperCases));
            rows.Add(EditProtocols.Independent("natural", name, second, pool, mistakes));
            rows.Add(EditProtocols.Sequential(name, second, pool, sequentialCases));
            rows.Add(EditProtocols.Generalization(name, second, pool, generalizationCases, seed: settings.Seed));
            rows.Add(LookupCacheBaseline.Independent("paper", name, full, test, paperCases));
            rows.Add(LookupCacheBaseline.Independent("natural", name, second, pool, mistakes));
            rows.Add(LookupCacheBaseline.Sequential(name, second, pool, sequentialCases));
            rows.Add(LookupCacheBaseline.Generalization(name, second, pool, generalizationCases, seed: settings.Seed));
            if (name == "plain")
            {
                Log("retrain-with-corrections baseline");
                rows.Add(RetrainBaseline.Sequential(name, second, train, pool, sequentialCases,
                    Recipe(plain: true).TrainingOptions with { Epochs = settings.RetrainEpochs, Seed = settings.Seed + 1 }));
            }
        }

        Log("test-set evaluation time, edit memory");
        var evaluationMs = TestSetEvaluationMs(editable, test);
        var memory = EditMemory(editable, test, settings.MemoryEdits);
        var ablation = settings.Ablation ? Ablation(train, test, plainRun.ImagesPerSecond, cancellation) : [];

        return new EditabilityReport
        {
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Command = "corrections " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, TorchSharp {EvaluationCost.TorchSharpVersion}, {EvaluationCost.TorchThreads} torch threads",
            Settings = new Dictionary<string, object>
            {
                ["data"] = settings.Data,
                ["epochs"] = settings.Epochs,
                ["editable_training_epochs"] = settings.EditableFromPlain > 0 ? settings.EditableFromPlain : settings.Epochs,
                ["subset"] = editable.Subset.Spec,
                ["editor"] = editable.Editor.Options.Kind.ToString(),
                ["editor_lr_start"] = settings.EditorLearningRate,
                ["editor_lr_learned"] = editable.Editor.Current.LearningRate,
                ["max_steps"] = settings.MaxSteps,
                ["c_edit"] = settings.EditCoefficient,
                ["c_loc"] = settings.StabilityCoefficient,
                ["seed"] = settings.Seed,
                ["paper_protocol"] = "random test inputs, target uniform among classes other than the prediction, drawdown on the full test set",
                ["natural_protocols"] = "misclassified inputs of test[0,5000) towards their true labels, drawdown on test[5000,10000)",
            },
            TrainImagesPerS = new() { ["plain"] = plainRun.ImagesPerSecond, ["editable"] = editableRun.ImagesPerSecond },
            TestErrorPct = new() { ["plain"] = plainRun.TestErrorPct, ["editable"] = editableRun.TestErrorPct },
            TrainSeconds = new() { ["plain"] = plainRun.TrainSeconds, ["editable"] = editableRun.TrainSeconds },
            EditableCostRatio = plainRun.ImagesPerSecond / editableRun.ImagesPerSecond,
            TestSetEvaluationMs = evaluationMs,
            EditMemory = memory,
            PeakRssMb = ProcessMemory.PeakResidentMb(),
            Rows = rows,
            PlainEditorSweep = sweep.Rows,
            PlainEditorLearningRate = sweep.Best.LearningRate,
            PaperDrawdownRatio = Paper(rows, "plain") / Paper(rows, "editable"),
            EditableTestErrorCostPp = editableRun.TestErrorPct - plainRun.TestErrorPct,
            Ablation = ablation,
            TotalSeconds = _clock.Elapsed.TotalSeconds,
        };
    }

    private static double Paper(List<ProtocolResult> rows, string model) =>
        rows.First(r => r.Model == model && r.Protocol == "paper" && r.Method == "editor").DrawdownPp;

    /// <summary>
    /// The editable model as the paper's editable fine-tuning makes it: the plain recipe for all but the last
    /// <c>--editable-from-plain</c> epochs, then Editable Training from those weights; its time and throughput are both
    /// parts' together, so the cost ratio stays one of equal epochs.
    /// </summary>
    private TrainCommand.Result FineTuned(LabeledImages train, LabeledImages test, CancellationToken cancellation)
    {
        var editableEpochs = settings.EditableFromPlain;
        var first = settings.Epochs - editableEpochs;
        var plainFirst = first == 0 ? null : TrainCommand.Train(Recipe(plain: true, epochs: first), train, test, Path.Combine(workDirectory, "editable-plain-part.ctm"), null, cancellation);
        Log($"Editable Training for {editableEpochs} epochs from the plain model of {first}");
        var run = TrainCommand.Train(Recipe(plain: false, epochs: editableEpochs, init: plainFirst?.Model), train, test, Path.Combine(workDirectory, "editable.ctm"), null, cancellation);
        var seconds = run.TrainSeconds + (plainFirst?.TrainSeconds ?? 0);
        var images = run.ImagesPerSecond * run.TrainSeconds + (plainFirst is null ? 0 : plainFirst.ImagesPerSecond * plainFirst.TrainSeconds);
        return run with { Epochs = settings.Epochs, TrainSeconds = seconds, ImagesPerSecond = images / seconds };
    }

    private TrainSettings Recipe(bool plain, string? subset = null, int? controlBatch = null, int? epochs = null, string? init = null) => new()
    {
        Init = init,
        Data = settings.Data,
        Plain = plain,
        Epochs = epochs ?? settings.Epochs,
        Subset = subset ?? settings.Subset,
        Editor = settings.Editor,
        EditorLearningRate = settings.EditorLearningRate,
        MaxSteps = settings.MaxSteps,
        EditCoefficient = settings.EditCoefficient,
        StabilityCoefficient = settings.StabilityCoefficient,
        ControlBatchSize = controlBatch ?? settings.ControlBatchSize,
        Seed = settings.Seed,
        Device = settings.Device,
        Json = true,
    };

    /// <summary>A full forward pass over the test set, against the editable stages alone from cached features.</summary>
    private static Dictionary<string, double> TestSetEvaluationMs(EditableModel model, LabeledImages test)
    {
        var (full, cached) = EvaluationCost.TestSetPass(model, test);
        return new() { ["full_forward"] = full, ["from_cached_features"] = cached, ["images"] = test.Count };
    }

    /// <summary>Many consecutive edits with one dispose scope each: resident memory should stay flat.</summary>
    private Dictionary<string, double> EditMemory(EditableModel model, LabeledImages test, int edits)
    {
        var cases = EditCases.Random(model, test, edits, settings.Seed + 2);
        double start = 0, afterWarmup = 0;
        var latencies = EvaluationCost.EditLatencies(model, test, cases, k =>
        {
            if (k == 0)
            {
                start = ProcessMemory.ResidentMb();
            }
            if (k == Math.Min(100, cases.Count - 1))
            {
                afterWarmup = ProcessMemory.ResidentMb();
            }
        });
        var end = ProcessMemory.ResidentMb();
        return new()
        {
            ["edits"] = cases.Count,
            ["rss_after_first_mb"] = start,
            ["rss_after_100_mb"] = afterWarmup,
            ["rss_at_end_mb"] = end,
            ["growth_after_warmup_mb"] = end - afterWarmup,
            ["latency_p50_ms"] = Metrics.Percentile(latencies, 50),
            ["latency_p99_ms"] = Metrics.Percentile(latencies, 99),
        };
    }

    /// <summary>Cheaper formulations, each trained for one epoch and scored by the paper protocol on 200 edits.</summary>
    private List<AblationRow> Ablation(LabeledImages train, LabeledImages test, double plainImagesPerSecond, CancellationToken cancellation)
    {
        var variants = new (string Name, string Subset, int Control)[]
        {
            ("head only, full control", "head", 0),
            ("fc1+head, full control", "fc1,head", 0),
            ("fc1+head, control 32", "fc1,head", 32),
            ("all layers, control 32", "all", 32),
        };
        var rows = new List<AblationRow>();
        foreach (var (name, subset, control) in variants)
        {
            Log($"ablation: {name}");
            var run = TrainCommand.Train(Recipe(plain: false, subset, control, epochs: 1), train, test, Path.Combine(workDirectory, "ablation.ctm"), null, cancellation);
            using var model = EditableModel.Load(run.Model, settings.Compute.Device);
            using var evaluation = new EvaluationSet("test[:2000]", model, test.Take(2000));
            var result = EditProtocols.Independent("paper", name, evaluation, evaluation.Data, EditCases.Random(model, evaluation.Data, 200, settings.Seed));
            rows.Add(new AblationRow(name, subset, control, 1, run.ImagesPerSecond, plainImagesPerSecond / run.ImagesPerSecond, run.TestErrorPct,
                result.DrawdownPp, result.SuccessRate, result.MeanSteps, result.Edits));
        }
        return rows;
    }

    private void Log(string message) => System.Console.Error.WriteLine($"[benchmark {_clock.Elapsed:mm\\:ss}] {message}");
}
