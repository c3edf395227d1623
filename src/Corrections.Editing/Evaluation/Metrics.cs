using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>The paper's figures as plain functions over predictions.</summary>
public static class Metrics
{
    /// <summary>Share of wrong predictions, in [0, 1].</summary>
    public static double ErrorRate(Tensor predictions, Tensor labels)
    {
        using var wrong = predictions.ne(labels);
        using var mean = wrong.to(float64).mean();
        return mean.item<double>();
    }

    /// <summary>Share of predictions that changed, in [0, 1]: the locality figure.</summary>
    public static double FlipRate(Tensor before, Tensor after) => ErrorRate(before, after);

    /// <summary>Test error after minus before, in percentage points: the paper's drawdown.</summary>
    public static double DrawdownPp(double errorBefore, double errorAfter) => (errorAfter - errorBefore) * 100;

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        var rank = percentile / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
