using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Models;

/// <summary>A fully connected layer over the flattened input, with an optional ReLU (off for the logits).</summary>
public sealed class LinearStage(string name, long inFeatures, long outFeatures, bool activate) : Stage(name)
{
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new($"{name}.weight", [outFeatures, inFeatures], ParameterInit.UniformFanIn, inFeatures, outFeatures),
        Layers.Bias(name, outFeatures, inFeatures),
    ];

    public override torch.Tensor Forward(torch.Tensor input, StageWeights weights, StatisticsMode mode)
    {
        using var flat = input.flatten(1);
        var output = linear(flat, weights[0], weights[1]);
        if (!activate)
        {
            return output;
        }
        using (output)
        {
            return relu(output);
        }
    }

    public override long[] OutputShape(long[] inputShape) => [outFeatures];
}
