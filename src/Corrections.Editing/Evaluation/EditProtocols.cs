using Corrections.Editing.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// The evaluation protocols over an <see cref="EvaluationSet"/> (where drawdown is measured) and a source set (where
/// edited inputs come from; the same set for the paper's protocol, a disjoint one for natural corrections).
/// </summary>
public static class EditProtocols
{
    /// <summary>
    /// Each edit applied to the original model on its own: drawdown, success, steps, latency, and locality (share of
    /// evaluation predictions that flip).
    /// </summary>
    public static ProtocolResult Independent(string protocol, string modelName, EvaluationSet evaluation, LabeledImages source, IReadOnlyList<EditCase> cases, IProgress<int>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var drawdowns = new List<double>();
        var flips = new List<double>();
        var steps = new List<double>();
        var latencies = new List<double>();
        var successes = 0;
        foreach (var (edit, k) in cases.Select((c, k) => (c, k)))
        {
            using var scope = NewDisposeScope();
            var (image, _) = source.Batch([edit.Index]);
            using var result = evaluation.Model.Edit(image, tensor(new[] { edit.Target }));
            var after = evaluation.PredictionsAfter(result);
            drawdowns.Add(Metrics.DrawdownPp(evaluation.ErrorRate, Metrics.ErrorRate(after, evaluation.Labels)));
            flips.Add(Metrics.FlipRate(evaluation.Predictions, after) * 100);
            steps.Add(result.Steps);
            latencies.Add(result.Latency.TotalMilliseconds);
            successes += result.Success ? 1 : 0;
            progress?.Report(k + 1);
        }
        return Row(protocol, modelName, evaluation, cases.Count, successes, steps, latencies, drawdowns.DefaultIfEmpty(0).Average(), clock) with
        {
            FlipRatePct = flips.DefaultIfEmpty(0).Average(),
        };
    }

    /// <summary>
    /// Corrections applied one after another to a copy of the model: the cumulative drawdown after each, and at the
    /// end the share of successful corrections that still hold. Cached features stay valid because edits only change
    /// stages at or above the cut.
    /// </summary>
    public static ProtocolResult Sequential(string modelName, EvaluationSet evaluation, LabeledImages source, IReadOnlyList<EditCase> cases, IProgress<int>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var model = evaluation.Model.Clone();
        using var sourceFeatures = model.Features(source.Images);
        var curve = new List<double>();
        var steps = new List<double>();
        var latencies = new List<double>();
        var applied = new List<EditCase>();
        foreach (var (edit, k) in cases.Select((c, k) => (c, k)))
        {
            using var scope = NewDisposeScope();
            var (image, _) = source.Batch([edit.Index]);
            using var result = model.Edit(image, tensor(new[] { edit.Target }));
            steps.Add(result.Steps);
            latencies.Add(result.Latency.TotalMilliseconds);
            if (result.Success)
            {
                model.Apply(result);
                applied.Add(edit);
            }
            var after = model.LogitsFromFeatures(evaluation.Features).argmax(1).cpu();
            curve.Add(Metrics.DrawdownPp(evaluation.ErrorRate, Metrics.ErrorRate(after, evaluation.Labels)));
            progress?.Report(k + 1);
        }
        double hold = 0;
        if (applied.Count > 0)
        {
            using var scope = NewDisposeScope();
            var indices = tensor(applied.Select(a => (long)a.Index).ToArray(), device: sourceFeatures.device);
            var predictions = model.LogitsFromFeatures(sourceFeatures.index_select(0, indices)).argmax(1).cpu();
            hold = 100 * (1 - Metrics.ErrorRate(predictions, tensor(applied.Select(a => a.Target).ToArray())));
        }
        return Row("sequential", modelName, evaluation, cases.Count, applied.Count, steps, latencies, curve.LastOrDefault(), clock) with
        {
            HoldRatePct = hold,
            Curve = curve,
        };
    }

    /// <summary>
    /// Does an edit hold beyond the exact pixels reported? After each edit, <paramref name="views"/> augmented views of
    /// the edited input (pad-and-crop, flip, Gaussian noise) are classified with the edited model.
    /// </summary>
    public static ProtocolResult Generalization(string modelName, EvaluationSet evaluation, LabeledImages source, IReadOnlyList<EditCase> cases, int views = 8, long seed = 0)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var generator = new Generator((ulong)seed);
        var model = evaluation.Model;
        double held = 0, total = 0;
        var successes = 0;
        var steps = new List<double>();
        foreach (var edit in cases)
        {
            using var scope = NewDisposeScope();
            using var target = edit.Target.ToScalar();
            var (image, _) = source.Batch([edit.Index]);
            using var result = model.Edit(image, tensor(new[] { edit.Target }));
            successes += result.Success ? 1 : 0;
            steps.Add(result.Steps);
            if (!result.Success)
            {
                continue;
            }
            var augmented = AugmentedViews(image, views, generator);
            var predictions = model.LogitsFromFeatures(model.Features(augmented), result).argmax(1).cpu();
            held += predictions.eq(target).sum().item<long>();
            total += views;
        }
        return Row("generalization", modelName, evaluation, cases.Count, successes, steps, [], double.NaN, clock) with
        {
            HoldRatePct = total == 0 ? 0 : 100 * held / total,
        };
    }

    private static ProtocolResult Row(string protocol, string modelName, EvaluationSet evaluation, int edits, int successes, List<double> steps, List<double> latencies, double drawdown, System.Diagnostics.Stopwatch clock) => new()
    {
        Model = modelName,
        Protocol = protocol,
        Method = "editor",
        Editor = evaluation.Model.Editor.Options.Kind.ToString(),
        EvaluationSet = evaluation.Name,
        Edits = edits,
        DrawdownPp = drawdown,
        SuccessRate = edits == 0 ? 0 : 100.0 * successes / edits,
        MeanSteps = steps.DefaultIfEmpty(0).Average(),
        MedianSteps = Metrics.Percentile(steps, 50),
        TestErrorPct = evaluation.ErrorRate * 100,
        LatencyP50Ms = latencies.Count == 0 ? double.NaN : Metrics.Percentile(latencies, 50),
        LatencyP99Ms = latencies.Count == 0 ? double.NaN : Metrics.Percentile(latencies, 99),
        Seconds = clock.Elapsed.TotalSeconds,
    };

    /// <summary>Views of one image [1, C, H, W]: a third cropped, a third flipped and cropped, a third with noise.</summary>
    public static Tensor AugmentedViews(Tensor image, int views, Generator generator)
    {
        using var pixelMin = 0.ToScalar();
        using var pixelMax = 1.ToScalar();
        var batch = image.expand(views, -1, -1, -1).contiguous();
        var cropped = Augmentation.RandomCrop(batch, 2, generator);
        var third = views / 3;
        var flipped = Augmentation.RandomHorizontalFlip(cropped.narrow(0, 0, third), 1.0, generator);
        var noisy = Augmentation.GaussianNoise(batch.narrow(0, 2 * third, views - 2 * third), 0.05, generator).clamp_(pixelMin, pixelMax);
        return cat([flipped, cropped.narrow(0, third, third), noisy], 0);
    }
}
