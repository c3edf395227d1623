using static TorchSharp.torch;

namespace Corrections.Editing.Editors;

/// <summary>
/// An "in-graph" optimiser step: maps (parameters, gradients) to new parameters with plain tensor ops, so Editable
/// Training can differentiate through it. A rule instance lives for one edit and keeps that edit's optimiser state.
/// The learning rate is a vector, one entry per edited tensor.
/// </summary>
internal abstract class UpdateRule
{
    protected static Tensor Rate(Tensor learningRates, int tensor) => learningRates[tensor];

    public abstract Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step);

    public static UpdateRule Create(EditorOptions options, Tensor learningRate, Tensor beta1, Tensor beta2) => options.Kind switch
    {
        EditorKind.GradientDescent => new GradientDescentRule(learningRate),
        EditorKind.Momentum => new MomentumRule(learningRate, beta1),
        EditorKind.RmsProp => new RmsPropRule(learningRate, beta1, options.Epsilon),
        EditorKind.Adam => new AdamRule(learningRate, beta1, beta2, options.Epsilon),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, null),
    };
}

internal sealed class GradientDescentRule(Tensor learningRate) : UpdateRule
{
    public override Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step) =>
        parameters.Select((p, i) => p - Rate(learningRate, i) * gradients[i]).ToArray();
}

/// <summary>v ← μv + g; θ ← θ − lr·v.</summary>
internal sealed class MomentumRule(Tensor learningRate, Tensor momentum) : UpdateRule
{
    private Tensor[]? _velocity;

    public override Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step)
    {
        _velocity = _velocity is null ? [.. gradients] : _velocity.Select((v, i) => momentum * v + gradients[i]).ToArray();
        return parameters.Select((p, i) => p - Rate(learningRate, i) * _velocity[i]).ToArray();
    }
}

/// <summary>s ← ρs + (1−ρ)g²; θ ← θ − lr·g / sqrt(s + ε).</summary>
internal sealed class RmsPropRule(Tensor learningRate, Tensor decay, double epsilon) : UpdateRule
{
    private Tensor[]? _square;

    public override Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step)
    {
        _square = gradients.Select((g, i) => (_square is null ? (1 - decay) * g.square() : decay * _square[i] + (1 - decay) * g.square())).ToArray();
        return parameters.Select((p, i) => p - Rate(learningRate, i) * gradients[i] / (_square[i] + epsilon).sqrt()).ToArray();
    }
}

/// <summary>Adam with bias correction; ε under the square root, as in <see cref="RmsPropRule"/>.</summary>
internal sealed class AdamRule(Tensor learningRate, Tensor beta1, Tensor beta2, double epsilon) : UpdateRule
{
    private Tensor[]? _first;
    private Tensor[]? _second;

    public override Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step)
    {
        _first = gradients.Select((g, i) => (_first is null ? (1 - beta1) * g : beta1 * _first[i] + (1 - beta1) * g)).ToArray();
        _second = gradients.Select((g, i) => (_second is null ? (1 - beta2) * g.square() : beta2 * _second[i] + (1 - beta2) * g.square())).ToArray();
        var t = step + 1;
        var firstCorrection = 1 - beta1.pow(t);
        var secondCorrection = 1 - beta2.pow(t);
        return parameters.Select((p, i) =>
            p - Rate(learningRate, i) * (_first[i] / firstCorrection) / (_second[i] / secondCorrection + epsilon).sqrt()).ToArray();
    }
}
