using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>
/// Adam over the network's parameters and the editor's hyperparameters, with global-norm clipping. Written out (a few
/// in-place ops per tensor) because our parameters are plain leaf tensors, and so its state can be checkpointed
/// alongside the network in one archive.
/// </summary>
public sealed class OuterAdam(IReadOnlyList<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : IDisposable
{
    private readonly Tensor[] _first = parameters.Select(p => zeros_like(p).requires_grad_(false)).ToArray();
    private readonly Tensor[] _second = parameters.Select(p => zeros_like(p).requires_grad_(false)).ToArray();

    public long StepCount { get; private set; }

    /// <summary>Optimiser state by name (first_i, second_i) plus the step count, for checkpoints.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> State =>
        _first.Select((t, i) => ($"adam.first.{i}", t)).Concat(_second.Select((t, i) => ($"adam.second.{i}", t)));

    public void Restore(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        using var _ = no_grad();
        foreach (var (name, t) in State)
        {
            t.copy_(state[name]);
        }
        StepCount = stepCount;
    }

    /// <summary>Clips the gradients' global norm to <paramref name="maxNorm"/>, steps, clears the gradients; returns the norm before clipping.</summary>
    public double Step(double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var withGradients = parameters.Select((p, i) => (p, i, g: p.grad)).Where(x => x.g is not null).ToList();
        var norm = withGradients.Count == 0 ? 0.0 : stack(withGradients.Select(x => x.g!.square().sum().to(parameters[0].device)).ToArray()).sum().sqrt().item<float>();
        if (!double.IsFinite(norm))
        {
            // A non-finite gradient would poison every weight; skip the step and let the next batch recover.
            ZeroGradients();
            return norm;
        }
        var scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
        StepCount++;
        var firstCorrection = 1 - Math.Pow(beta1, StepCount);
        var secondCorrection = 1 - Math.Pow(beta2, StepCount);
        // Held for the whole loop (see NativeRuntime): it runs for every tensor of every training step.
        using var clipScale = scale.ToScalar();
        using var firstDecay = beta1.ToScalar();
        using var firstShare = (1 - beta1).ToScalar();
        using var secondDecay = beta2.ToScalar();
        using var secondShare = (1 - beta2).ToScalar();
        using var secondBias = secondCorrection.ToScalar();
        using var eps = epsilon.ToScalar();
        using var one = 1.ToScalar();
        using var stepSize = (-learningRate / firstCorrection).ToScalar();
        foreach (var (p, i, g) in withGradients)
        {
            var gradient = scale == 1.0 ? g! : g!.mul(clipScale);
            _first[i].mul_(firstDecay).add_(gradient, alpha: firstShare);
            _second[i].mul_(secondDecay).addcmul_(gradient, gradient, value: secondShare);
            var denominator = _second[i].div(secondBias).sqrt_().add_(eps, alpha: one);
            p.addcdiv_(_first[i], denominator, value: stepSize);
        }
        ZeroGradients();
        return norm;
    }

    private void ZeroGradients()
    {
        foreach (var p in parameters)
        {
            p.grad?.zero_();
        }
    }

    public void Dispose()
    {
        foreach (var t in _first.Concat(_second))
        {
            t.Dispose();
        }
    }
}
