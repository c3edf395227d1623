using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Models;

/// <summary>3×3 convolution (padding 1) + ReLU + 2×2 max-pool: a layer of the small CNN.</summary>
public sealed class ConvPoolStage(string name, long inChannels, long outChannels) : Stage(name)
{
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Layers.ConvWeight(name, inChannels, outChannels, 3, ParameterInit.UniformFanIn),
        Layers.Bias(name, outChannels, inChannels * 9),
    ];

    public override torch.Tensor Forward(torch.Tensor input, StageWeights weights, StatisticsMode mode)
    {
        using var conv = Layers.Conv(input, weights[0], weights[1], stride: 1, padding: 1);
        using var activated = relu(conv);
        return max_pool2d(activated, kernel_size: 2);
    }

    public override long[] OutputShape(long[] inputShape) => [outChannels, inputShape[1] / 2, inputShape[2] / 2];
}
