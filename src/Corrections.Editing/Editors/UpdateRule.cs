using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Editors;

/// <summary>
/// An "in-graph" optimiser step: maps (parameters, gradients) to new parameters with plain tensor ops, so Editable
/// Training can differentiate through it. A rule instance lives for one edit and keeps that edit's optimiser state.
/// The learning rate is a vector, one entry per edited tensor. Every step of every edit runs these, so every Scalar is
/// held and every sum passes its alpha (see <see cref="NativeRuntime"/>).
/// </summary>
internal abstract class UpdateRule
{
    protected static Tensor Rate(Tensor learningRates, int tensor) => learningRates[tensor];

    /// <summary><c>1 - x</c> as the operator computes it (<c>-x + 1</c>), with a held <paramref name="one"/>.</summary>
    protected static Tensor OneMinus(Tensor x, Scalar one) => x.negative().add(one, one);

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
        using var one = 1.ToScalar();
        _velocity = _velocity is null ? [.. gradients] : _velocity.Select((v, i) => (momentum * v).add(gradients[i], one)).ToArray();
        return parameters.Select((p, i) => p - Rate(learningRate, i) * _velocity[i]).ToArray();
    }
}

/// <summary>s ← ρs + (1−ρ)g²; θ ← θ − lr·g / sqrt(s + ε).</summary>
internal sealed class RmsPropRule(Tensor learningRate, Tensor decay, double epsilon) : UpdateRule
{
    private Tensor[]? _square;

    public override Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step)
    {
        using var one = 1.ToScalar();
        using var eps = epsilon.ToScalar();
        _square = gradients.Select((g, i) => (_square is null ? OneMinus(decay, one) * g.square() : (decay * _square[i]).add(OneMinus(decay, one) * g.square(), one))).ToArray();
        return parameters.Select((p, i) => p - Rate(learningRate, i) * gradients[i] / _square[i].add(eps, one).sqrt()).ToArray();
    }
}

/// <summary>Adam with bias correction; ε under the square root, as in <see cref="RmsPropRule"/>.</summary>
internal sealed class AdamRule(Tensor learningRate, Tensor beta1, Tensor beta2, double epsilon) : UpdateRule
{
    private Tensor[]? _first;
    private Tensor[]? _second;

    public override Tensor[] Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int step)
    {
        using var one = 1.ToScalar();
        using var eps = epsilon.ToScalar();
        _first = gradients.Select((g, i) => (_first is null ? OneMinus(beta1, one) * g : (beta1 * _first[i]).add(OneMinus(beta1, one) * g, one))).ToArray();
        _second = gradients.Select((g, i) => (_second is null ? OneMinus(beta2, one) * g.square() : (beta2 * _second[i]).add(OneMinus(beta2, one) * g.square(), one))).ToArray();
        using var t = (step + 1).ToScalar();
        var firstCorrection = OneMinus(beta1.pow(t), one);
        var secondCorrection = OneMinus(beta2.pow(t), one);
        return parameters.Select((p, i) =>
            p - Rate(learningRate, i) * (_first[i] / firstCorrection) / (_second[i] / secondCorrection).add(eps, one).sqrt()).ToArray();
    }
}
