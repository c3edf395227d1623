using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Models;

/// <summary>Global average pooling followed by the linear classifier (the ResNet's <c>fc</c>).</summary>
public sealed class PooledLinearHeadStage(string name, long channels, long classes) : Stage(name)
{
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new($"{name}.weight", [classes, channels], ParameterInit.UniformFanIn, channels, classes),
        Layers.Bias(name, classes, channels),
    ];

    public override torch.Tensor Forward(torch.Tensor input, StageWeights weights, StatisticsMode mode)
    {
        using var pooled = adaptive_avg_pool2d(input, [1, 1]);
        using var flat = pooled.flatten(1);
        return linear(flat, weights[0], weights[1]);
    }

    public override long[] OutputShape(long[] inputShape) => [classes];
}
