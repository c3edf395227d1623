using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>How Editable Training (and the evaluation protocols) choose the label an edit should impose.</summary>
public abstract class EditTargets
{
    /// <summary>Targets int64 [B] for inputs whose current logits are <paramref name="logits"/> [B, K].</summary>
    public abstract Tensor Draw(Tensor logits, Tensor labels, Generator generator);
}

/// <summary>A class drawn uniformly among those the model does not currently predict (the paper's protocol).</summary>
public sealed class UniformEditTargets : EditTargets
{
    public override Tensor Draw(Tensor logits, Tensor labels, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var classes = logits.shape[1];
        var predicted = logits.argmax(1).cpu();
        var draw = randint(0, classes - 1, predicted.shape, dtype: int64, generator: generator);
        // Skip over the predicted class: uniform over the other K − 1.
        var target = draw.add(draw.ge(predicted).to(int64), one);
        return target.to(logits.device).MoveToOuterDisposeScope();
    }
}
