using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Models;

/// <summary>
/// A ResNet "layer": a few BasicBlocks (two 3×3 conv+BN, identity or 1×1 conv+BN shortcut). The
/// paper edits <c>layer3</c> of ResNet-18. Parameter names follow torchvision (<c>layer3.0.conv1.weight</c>, ...).
/// </summary>
public sealed class ResidualLayerStage : Stage
{
    // Per block: conv1, bn1 (w, b), conv2, bn2 (w, b) [, shortcut conv, shortcut bn (w, b)].
    private readonly (int ParameterOffset, int BufferOffset, long Stride, bool Projection)[] _blocks;
    private readonly List<ParameterSpec> _parameters = [];
    private readonly List<ParameterSpec> _buffers = [];
    private readonly long _outChannels;
    private readonly long _stride;

    public ResidualLayerStage(string name, long inChannels, long outChannels, long stride, int blocks = 2) : base(name)
    {
        _outChannels = outChannels;
        _stride = stride;
        _blocks = new (int, int, long, bool)[blocks];
        for (var b = 0; b < blocks; b++)
        {
            var blockIn = b == 0 ? inChannels : outChannels;
            var blockStride = b == 0 ? stride : 1;
            var projection = blockStride != 1 || blockIn != outChannels;
            var prefix = $"{name}.{b}";
            _blocks[b] = (_parameters.Count, _buffers.Count, blockStride, projection);
            _parameters.Add(Layers.ConvWeight($"{prefix}.conv1", blockIn, outChannels, 3, ParameterInit.KaimingNormalFanOut));
            _parameters.AddRange(Layers.BatchNormParameters($"{prefix}.bn1", outChannels));
            _parameters.Add(Layers.ConvWeight($"{prefix}.conv2", outChannels, outChannels, 3, ParameterInit.KaimingNormalFanOut));
            _parameters.AddRange(Layers.BatchNormParameters($"{prefix}.bn2", outChannels));
            _buffers.AddRange(Layers.BatchNormBuffers($"{prefix}.bn1", outChannels));
            _buffers.AddRange(Layers.BatchNormBuffers($"{prefix}.bn2", outChannels));
            if (projection)
            {
                _parameters.Add(Layers.ConvWeight($"{prefix}.shortcut.0", blockIn, outChannels, 1, ParameterInit.KaimingNormalFanOut));
                _parameters.AddRange(Layers.BatchNormParameters($"{prefix}.shortcut.1", outChannels));
                _buffers.AddRange(Layers.BatchNormBuffers($"{prefix}.shortcut.1", outChannels));
            }
        }
    }

    public override IReadOnlyList<ParameterSpec> Parameters => _parameters;

    public override IReadOnlyList<ParameterSpec> Buffers => _buffers;

    public override torch.Tensor Forward(torch.Tensor input, StageWeights weights, StatisticsMode mode)
    {
        // The residual sum's alpha, held (see NativeRuntime): `bn2 + shortcut` would pass a temporary one.
        using var one = 1.ToScalar();
        var x = input;
        foreach (var (p, b, stride, projection) in _blocks)
        {
            // Intermediates die with the scope; only the block's output leaves it.
            using var scope = torch.NewDisposeScope();
            var conv1 = Layers.Conv(x, weights[p], null, stride, padding: 1);
            var act1 = relu(Layers.BatchNorm(conv1, weights[p + 1], weights[p + 2], weights.Buffer(b), weights.Buffer(b + 1), mode));
            var conv2 = Layers.Conv(act1, weights[p + 3], null, stride: 1, padding: 1);
            var bn2 = Layers.BatchNorm(conv2, weights[p + 4], weights[p + 5], weights.Buffer(b + 2), weights.Buffer(b + 3), mode);
            var shortcut = projection
                ? Layers.BatchNorm(Layers.Conv(x, weights[p + 6], null, stride, padding: 0), weights[p + 7], weights[p + 8], weights.Buffer(b + 4), weights.Buffer(b + 5), mode)
                : x;
            var output = relu(bn2.add(shortcut, one)).MoveToOuterDisposeScope();
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }
            x = output;
        }
        return x;
    }

    public override long[] OutputShape(long[] inputShape) => [_outChannels, inputShape[1] / _stride, inputShape[2] / _stride];
}
