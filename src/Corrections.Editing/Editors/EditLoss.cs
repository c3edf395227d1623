using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Editors;

public static class EditLoss
{
    /// <summary>Mean over the edited inputs of the chosen loss; <paramref name="targets"/> is int64 [B].</summary>
    public static Tensor Compute(EditLossKind kind, Tensor logits, Tensor targets) => kind switch
    {
        EditLossKind.Margin => Margin(logits, targets),
        EditLossKind.CrossEntropy => cross_entropy(logits, targets),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static Tensor Margin(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        using var excluded = double.NegativeInfinity.ToScalar();
        var logProbabilities = log_softmax(logits, 1);
        var index = targets.unsqueeze(1);
        var target = logProbabilities.gather(1, index).squeeze(1);
        var others = logProbabilities.scatter(1, index, full_like(target.unsqueeze(1), excluded));
        var bestOther = others.max(1).values;
        return relu(bestOther - target).mean().MoveToOuterDisposeScope();
    }

    /// <summary>True when every edited input has its target as the top-1 class.</summary>
    public static bool Succeeded(Tensor logits, Tensor targets)
    {
        using var predicted = logits.argmax(1);
        using var hits = predicted.eq(targets);
        using var all = hits.all();
        return all.item<bool>();
    }
}
