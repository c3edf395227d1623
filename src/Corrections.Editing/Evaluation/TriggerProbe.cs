using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// A check aimed at patch backdoors (BadNets-style: a small stamp that sends any input to one label). Poisoned
/// corrections teach a model a shortcut that no drawdown figure shows, because clean inputs never carry the stamp. The
/// probe stamps squares at a grid of positions, in white and in black, on clean probe images and measures, per label, the
/// share of images of other classes the model then predicts as that label. A candidate that follows some stamp to some
/// label far more often than its reference (the pinned base) has learnt a trigger. It does not look for blended,
/// warping or semantic triggers.
/// </summary>
public static class TriggerProbe
{
    /// <summary>Rates [probe, label]: per stamp, the share of other classes' images predicted as each label.</summary>
    public static double[,] Rates(EditableModel model, LabeledImages images, TriggerProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var probes = Probes(images.ImageShape, options);
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        var count = Math.Min(options.Images, images.Count);
        var clean = images.Images.narrow(0, 0, count);
        var labels = images.Labels.narrow(0, 0, count).data<long>().ToArray();
        var classes = model.Architecture.ClassCount;
        var others = new double[classes];
        for (var k = 0; k < classes; k++)
        {
            others[k] = labels.Count(l => l != k);
        }
        var rates = new double[probes.Count, classes];
        for (var p = 0; p < probes.Count; p++)
        {
            using var step = NewDisposeScope();
            var (row, column, value) = probes[p];
            var stamped = Backdoors.Stamp(clean, row, column, options.PatchSize, value);
            var predicted = model.Logits(stamped).argmax(1).cpu().data<long>().ToArray();
            for (var i = 0; i < count; i++)
            {
                if (predicted[i] != labels[i])
                {
                    rates[p, predicted[i]] += 1;
                }
            }
            for (var k = 0; k < classes; k++)
            {
                rates[p, k] = others[k] == 0 ? 0 : rates[p, k] / others[k];
            }
        }
        return rates;
    }

    /// <summary>
    /// The stamp and label where <paramref name="candidate"/> rises most above <paramref name="reference"/> (its rates
    /// from <see cref="Rates"/> on the same images and options, which a caller can keep per reference version).
    /// </summary>
    public static TriggerPull Worst(EditableModel candidate, double[,] reference, LabeledImages images, TriggerProbeOptions options)
    {
        var rates = Rates(candidate, images, options);
        var probes = Probes(images.ImageShape, options);
        if (reference.GetLength(0) != rates.GetLength(0) || reference.GetLength(1) != rates.GetLength(1))
        {
            throw new ArgumentException("The reference rates come from other probe images or options.", nameof(reference));
        }
        var worst = (Probe: 0, Label: 0, Rise: double.NegativeInfinity);
        for (var p = 0; p < probes.Count; p++)
        {
            for (var k = 0; k < rates.GetLength(1); k++)
            {
                var rise = rates[p, k] - reference[p, k];
                if (rise > worst.Rise)
                {
                    worst = (p, k, rise);
                }
            }
        }
        var (row, column, value) = probes[worst.Probe];
        return new TriggerPull(worst.Label, row, column, value, options.PatchSize, rates[worst.Probe, worst.Label], reference[worst.Probe, worst.Label],
            Math.Min(options.Images, images.Count));
    }

    private static List<(int Row, int Column, float Value)> Probes(long[] imageShape, TriggerProbeOptions options)
    {
        if (options.PatchSize < 1 || options.PatchSize > Math.Min(imageShape[1], imageShape[2]) || options.Stride < 1 || options.Values.Count == 0 || options.Images < 1)
        {
            throw new ArgumentException($"Probe options {options} do not fit images of shape [{string.Join(", ", imageShape)}].", nameof(options));
        }
        return [.. from value in options.Values
                   from row in options.Positions(imageShape[1])
                   from column in options.Positions(imageShape[2])
                   select (row, column, value)];
    }
}
