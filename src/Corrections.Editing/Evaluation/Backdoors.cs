using Corrections.Editing.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// The two poisoning attacks the trust benchmark plays, as tensor math: a patch backdoor (a square stamped on images of
/// other classes, labelled as the target) and a label flip (one class's images labelled as another), with how far each
/// took hold of a model on held-out images.
/// </summary>
public static class Backdoors
{
    /// <summary>A copy of raw <paramref name="images"/> [N, C, H, W] with a <paramref name="size"/>² square of <paramref name="value"/> at (row, column).</summary>
    public static Tensor Stamp(Tensor images, int row, int column, int size, float value)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || row < 0 || column < 0 || size < 1 || row + size > images.shape[2] || column + size > images.shape[3])
        {
            throw new ArgumentException($"A {size}x{size} patch at ({row}, {column}) does not fit images of shape [{string.Join(", ", images.shape)}].");
        }
        using var fill = value.ToScalar();
        var stamped = images.clone();
        using var patch = stamped.narrow(2, row, size).narrow(3, column, size);
        patch.fill_(fill);
        return stamped;
    }

    /// <summary><paramref name="images"/> with the square stamped on every image, labels unchanged.</summary>
    public static LabeledImages Stamped(LabeledImages images, int row, int column, int size, float value) =>
        new(Stamp(images.Images, row, column, size, value), images.Labels.clone(), images.ClassNames);

    /// <summary>Share of <paramref name="test"/>'s images not of <paramref name="target"/> that, stamped, the model predicts as it.</summary>
    public static double PatchSuccess(EditableModel model, LabeledImages test, int target, int row, int column, int size, float value)
    {
        var others = test.LabelValues().Select((label, i) => (label, i)).Where(x => x.label != target).Select(x => (long)x.i).ToArray();
        if (others.Length == 0)
        {
            return 0;
        }
        using var subset = test.Select(others);
        using var stampedSet = Stamped(subset, row, column, size, value);
        return Metrics.Predictions(model, stampedSet).Count(p => p == target) / (double)others.Length;
    }

    /// <summary>Share of <paramref name="test"/>'s images of class <paramref name="from"/> the model predicts as <paramref name="to"/>.</summary>
    public static double FlipSuccess(EditableModel model, LabeledImages test, int from, int to)
    {
        var of = test.LabelValues().Select((label, i) => (label, i)).Where(x => x.label == from).Select(x => (long)x.i).ToArray();
        if (of.Length == 0)
        {
            return 0;
        }
        using var subset = test.Select(of);
        return Metrics.Predictions(model, subset).Count(p => p == to) / (double)of.Length;
    }
}
