using TorchSharp;

namespace Corrections.Editing.Models;

/// <summary>
/// One block of a network (a conv layer, a residual layer, the head), written as a pure function of its weights so that
/// an editor can run it on edited, non-leaf parameters. Stages are the unit of caching: activations below the first
/// edited stage are the same before and after an edit.
/// </summary>
public abstract class Stage(string name)
{
    public string Name { get; } = name;

    /// <summary>Parameter specs, names relative to the network (prefixed with <see cref="Name"/>).</summary>
    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>Non-trainable state (BatchNorm running statistics), names and shapes.</summary>
    public virtual IReadOnlyList<ParameterSpec> Buffers => [];

    public abstract torch.Tensor Forward(torch.Tensor input, StageWeights weights, StatisticsMode mode);

    /// <summary>Shape of one example's output given one example's input shape (no batch dimension).</summary>
    public abstract long[] OutputShape(long[] inputShape);
}
