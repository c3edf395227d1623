using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Training;

/// <summary>
/// The class after the current prediction: no randomness, and locally constant in θ, so finite differences see one
/// fixed objective.
/// </summary>
internal sealed class FixedEditTargets(int classes) : EditTargets
{
    public override Tensor Draw(Tensor logits, Tensor labels, Generator generator) => (logits.argmax(1) + 1).remainder(classes);
}
