using Corrections.Editing.Data;
using Corrections.Editing.Models;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>
/// Targets that look like real mistakes, as in the paper's natural-adversarial experiments: where a pretrained
/// reference model errs, the true label sits at some rank of its prediction (2nd, 3rd, ...). We record how often each
/// rank occurs, then draw an edit's target as the class at a rank sampled from that histogram.
/// </summary>
public sealed class NaturalEditTargets : EditTargets
{
    private readonly double[] _rankProbabilities;

    public NaturalEditTargets(double[] rankProbabilities)
    {
        if (rankProbabilities.Length < 2 || rankProbabilities[0] != 0 || Math.Abs(rankProbabilities.Sum() - 1) > 1e-6)
        {
            throw new ArgumentException("Rank probabilities must give rank 0 (the prediction) zero weight and sum to 1.");
        }
        _rankProbabilities = rankProbabilities;
    }

    /// <summary>Probability of each rank (0 = top-1, never drawn).</summary>
    public IReadOnlyList<double> RankProbabilities => _rankProbabilities;

    public static NaturalEditTargets FromReference(Network reference, LabeledImages data, Func<Tensor, Tensor> preprocess)
    {
        using var scope = NewDisposeScope();
        var counts = new double[data.ClassCount];
        using var logits = reference.Logits(preprocess(data.Images));
        var order = logits.argsort(1, descending: true).cpu();
        var rankOfTruth = order.eq(data.Labels.unsqueeze(1)).to(int64).argmax(1);
        foreach (var rank in rankOfTruth.data<long>())
        {
            counts[rank]++;
        }
        counts[0] = 0;
        var total = counts.Sum();
        if (total == 0)
        {
            // A reference that makes no mistakes says nothing; fall back to the runner-up.
            counts[1] = total = 1;
        }
        return new NaturalEditTargets(counts.Select(c => c / total).ToArray());
    }

    public override Tensor Draw(Tensor logits, Tensor labels, Generator generator)
    {
        using var scope = NewDisposeScope();
        var weights = tensor(_rankProbabilities, float64).unsqueeze(0).expand(logits.shape[0], -1);
        var ranks = multinomial(weights, 1, generator: generator).to(logits.device);
        var order = logits.argsort(1, descending: true);
        return order.gather(1, ranks).squeeze(1).MoveToOuterDisposeScope();
    }
}
