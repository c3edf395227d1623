using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>The paper's figures as plain functions over predictions.</summary>
public static class Metrics
{
    /// <summary>Share of wrong predictions, in [0, 1]. Compared on the CPU: labels stay there, predictions may come from a GPU.</summary>
    public static double ErrorRate(Tensor predictions, Tensor labels)
    {
        using var predicted = predictions.cpu();
        using var truth = labels.cpu();
        using var wrong = predicted.ne(truth);
        using var mean = wrong.to(float64).mean();
        return mean.item<double>();
    }

    /// <summary>Error of <paramref name="model"/> on <paramref name="data"/>, in [0, 1] (a full forward pass).</summary>
    public static double ErrorRate(EditableModel model, LabeledImages data)
    {
        using var scope = NewDisposeScope();
        return ErrorRate(model.Logits(data.Images).argmax(1), data.Labels);
    }

    /// <summary>The label <paramref name="model"/> predicts for each image of <paramref name="data"/>.</summary>
    public static long[] Predictions(EditableModel model, LabeledImages data)
    {
        using var scope = NewDisposeScope();
        return model.Logits(data.Images).argmax(1).cpu().data<long>().ToArray();
    }

    /// <summary>For each correction, whether <paramref name="model"/> predicts its corrected label.</summary>
    public static bool[] Held(EditableModel model, CorrectionSet corrections)
    {
        if (corrections.Count == 0)
        {
            return [];
        }
        using var scope = NewDisposeScope();
        var (x, y) = corrections.ToTensors();
        return model.Logits(x).argmax(1).cpu().eq(y).data<bool>().ToArray();
    }

    /// <summary>Share of <paramref name="corrections"/> whose corrected label the weights alone predict, with any memory set aside.</summary>
    public static double HeldShareByWeights(EditableModel model, CorrectionSet corrections)
    {
        if (corrections.Count == 0)
        {
            return 1.0;
        }
        using var scope = NewDisposeScope();
        var (x, y) = corrections.ToTensors();
        return model.WeightLogits(x).argmax(1).cpu().eq(y).sum().item<long>() / (double)corrections.Count;
    }

    /// <summary>Share of <paramref name="corrections"/> that <paramref name="model"/> predicts as corrected; 1 when there are none.</summary>
    public static double HeldShare(EditableModel model, CorrectionSet corrections) =>
        corrections.Count == 0 ? 1.0 : Held(model, corrections).Count(h => h) / (double)corrections.Count;

    /// <summary>Share of predictions that changed, in [0, 1]: the locality figure.</summary>
    public static double FlipRate(Tensor before, Tensor after) => ErrorRate(before, after);

    /// <summary>
    /// Test error after minus before, in percentage points: the paper's drawdown, and the one definition the gate uses
    /// against a candidate's parent, its trained version and production.
    /// </summary>
    public static double DrawdownPp(double errorBefore, double errorAfter) => (errorAfter - errorBefore) * 100;

    /// <summary>
    /// Whether <paramref name="pp"/> (a drawdown, or any difference of error rates in pp) is over <paramref name="limitPp"/>.
    /// Error rates are counts over a set, and their difference in pp is not exact in binary: 20 images of 2,000 make
    /// 1.0000000000000009 pp and 6 make 0.30000000000000027, so a candidate at exactly its limit was refused.
    /// </summary>
    public static bool OverLimit(double pp, double limitPp) => pp > limitPp + RoundingPp;

    private const double RoundingPp = 1e-9;

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
