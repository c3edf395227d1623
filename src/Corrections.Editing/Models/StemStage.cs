using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Models;

/// <summary>The CIFAR ResNet's first layer: 3×3 convolution (no bias), BatchNorm, ReLU, no pooling.</summary>
public sealed class StemStage(string name, long inChannels, long outChannels) : Stage(name)
{
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Layers.ConvWeight($"{name}.conv", inChannels, outChannels, 3, ParameterInit.KaimingNormalFanOut),
        .. Layers.BatchNormParameters($"{name}.bn", outChannels),
    ];

    public override IReadOnlyList<ParameterSpec> Buffers { get; } = Layers.BatchNormBuffers($"{name}.bn", outChannels);

    public override torch.Tensor Forward(torch.Tensor input, StageWeights weights, StatisticsMode mode)
    {
        using var conv = Layers.Conv(input, weights[0], null, stride: 1, padding: 1);
        using var normalised = Layers.BatchNorm(conv, weights[1], weights[2], weights.Buffer(0), weights.Buffer(1), mode);
        return relu(normalised);
    }

    public override long[] OutputShape(long[] inputShape) => [outChannels, inputShape[1], inputShape[2]];
}
