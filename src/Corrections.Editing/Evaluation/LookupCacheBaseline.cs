using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>The protocols of <see cref="EditProtocols"/> run with a <see cref="LookupCache"/> in place of the editor.</summary>
public static class LookupCacheBaseline
{
    public static ProtocolResult Independent(string protocol, string modelName, EvaluationSet evaluation, LabeledImages source, IReadOnlyList<EditCase> cases)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var keys = LookupCache.Keys(evaluation.Data.Images);
        var before = evaluation.Predictions.data<long>().ToArray();
        var labels = evaluation.Labels.data<long>().ToArray();
        var drawdowns = new List<double>();
        var flips = new List<double>();
        foreach (var edit in cases)
        {
            var cache = new LookupCache();
            using var image = source.Images[edit.Index];
            cache.Add(image, edit.Target);
            var after = cache.Override(keys, before);
            drawdowns.Add(Metrics.DrawdownPp(evaluation.ErrorRate, Error(after, labels)));
            flips.Add(100.0 * after.Where((p, i) => p != before[i]).Count() / after.Length);
        }
        return Row(protocol, modelName, evaluation, cases.Count, drawdowns.DefaultIfEmpty(0).Average(), clock.Elapsed) with
        {
            FlipRatePct = flips.DefaultIfEmpty(0).Average(),
        };
    }

    public static ProtocolResult Sequential(string modelName, EvaluationSet evaluation, LabeledImages source, IReadOnlyList<EditCase> cases)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var keys = LookupCache.Keys(evaluation.Data.Images);
        var before = evaluation.Predictions.data<long>().ToArray();
        var labels = evaluation.Labels.data<long>().ToArray();
        var cache = new LookupCache();
        var curve = new List<double>();
        foreach (var edit in cases)
        {
            using var image = source.Images[edit.Index];
            cache.Add(image, edit.Target);
            curve.Add(Metrics.DrawdownPp(evaluation.ErrorRate, Error(cache.Override(keys, before), labels)));
        }
        using var sourceImages = source.Images.index_select(0, tensor(cases.Select(c => (long)c.Index).ToArray()));
        var held = cache.Override(LookupCache.Keys(sourceImages), new long[cases.Count].Select(_ => -1L).ToArray());
        var hold = cases.Count == 0 ? 0 : 100.0 * held.Where((p, i) => p == cases[i].Target).Count() / cases.Count;
        return Row("sequential", modelName, evaluation, cases.Count, curve.LastOrDefault(), clock.Elapsed) with { HoldRatePct = hold, Curve = curve };
    }

    public static ProtocolResult Generalization(string modelName, EvaluationSet evaluation, LabeledImages source, IReadOnlyList<EditCase> cases, int views = 8, long seed = 0)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var generator = new Generator((ulong)seed);
        double held = 0;
        foreach (var edit in cases)
        {
            using var scope = NewDisposeScope();
            var cache = new LookupCache();
            var (image, _) = source.Batch([edit.Index]);
            cache.Add(image[0], edit.Target);
            var augmented = EditProtocols.AugmentedViews(image, views, generator);
            held += cache.Override(LookupCache.Keys(augmented), new long[views].Select(_ => -1L).ToArray()).Count(p => p == edit.Target);
        }
        return Row("generalization", modelName, evaluation, cases.Count, double.NaN, clock.Elapsed) with
        {
            HoldRatePct = cases.Count == 0 ? 0 : 100 * held / (cases.Count * views),
        };
    }

    private static double Error(long[] predictions, long[] labels) => (double)predictions.Where((p, i) => p != labels[i]).Count() / predictions.Length;

    private static ProtocolResult Row(string protocol, string modelName, EvaluationSet evaluation, int edits, double drawdown, TimeSpan elapsed) => new()
    {
        Model = modelName,
        Protocol = protocol,
        Method = "lookup-cache",
        Editor = "none",
        EvaluationSet = evaluation.Name,
        Edits = edits,
        DrawdownPp = drawdown,
        SuccessRate = 100,
        MeanSteps = 0,
        MedianSteps = 0,
        TestErrorPct = evaluation.ErrorRate * 100,
        Seconds = elapsed.TotalSeconds,
    };
}
