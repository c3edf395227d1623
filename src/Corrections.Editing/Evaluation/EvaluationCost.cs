using System.Diagnostics;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>What evaluating and editing cost in time: the figures behind "validation is cheap" and "edits do not leak".</summary>
public static class EvaluationCost
{
    /// <summary>A full forward pass over <paramref name="data"/> against the editable stages alone from cached features, in ms (after one warm-up pass).</summary>
    public static (double FullForwardMs, double FromCachedFeaturesMs) TestSetPass(EditableModel model, LabeledImages data)
    {
        using var features = model.Features(data.Images);
        model.Logits(data.Images).Dispose();
        var clock = Stopwatch.StartNew();
        model.Logits(data.Images).Dispose();
        var full = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        model.LogitsFromFeatures(features).Dispose();
        return (full, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Makes every edit of <paramref name="cases"/> (without applying it), one dispose scope each, and returns each edit's
    /// latency in ms; <paramref name="afterEdit"/> sees the index of each edit done, for a caller sampling memory.
    /// </summary>
    public static List<double> EditLatencies(EditableModel model, LabeledImages data, IReadOnlyList<EditCase> cases, Action<int>? afterEdit = null)
    {
        var latencies = new List<double>(cases.Count);
        for (var k = 0; k < cases.Count; k++)
        {
            using var scope = NewDisposeScope();
            var (image, _) = data.Batch([cases[k].Index]);
            using var edit = model.Edit(image, tensor(new[] { cases[k].Target }));
            latencies.Add(edit.Latency.TotalMilliseconds);
            afterEdit?.Invoke(k);
        }
        return latencies;
    }

    /// <summary>The threads libtorch computes with, for a benchmark's machine line.</summary>
    public static int TorchThreads => get_num_threads();

    public static Version? TorchSharpVersion => typeof(TorchSharp.torch).Assembly.GetName().Version;
}
