using Corrections.Editing.Evaluation;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// The service's drawdown gate, in process: a candidate may cost at most <see cref="SingleLimitPp"/> against its
/// parent and <see cref="CumulativeLimitPp"/> against the start, on a clean validation set. Features entering the
/// editable stages are computed once: every candidate it judges for one network differs from it in the subset alone.
/// </summary>
internal sealed class ValidationGate : IDisposable
{
    private readonly Tensor _features;
    private readonly Tensor _labels;
    private readonly double _startError;

    public ValidationGate(EditableModel start, Tensor images, Tensor labels, double singleLimitPp, double cumulativeLimitPp)
    {
        _features = start.Features(images).DetachFromDisposeScope();
        _labels = labels.alias().DetachFromDisposeScope();
        (SingleLimitPp, CumulativeLimitPp) = (singleLimitPp, cumulativeLimitPp);
        _startError = Error(start);
        ParentError = _startError;
    }

    public double SingleLimitPp { get; }
    public double CumulativeLimitPp { get; }
    public double ParentError { get; private set; }

    /// <summary>Whether <paramref name="candidate"/> passes; when it does, it becomes the parent of the next.</summary>
    public bool Admit(EditableModel candidate)
    {
        var error = Error(candidate);
        var passes = Metrics.DrawdownPp(ParentError, error) <= SingleLimitPp && Metrics.DrawdownPp(_startError, error) <= CumulativeLimitPp;
        if (passes)
        {
            ParentError = error;
        }
        return passes;
    }

    private double Error(EditableModel model)
    {
        using var scope = NewDisposeScope();
        return Metrics.ErrorRate(model.LogitsFromFeatures(_features).argmax(1), _labels);
    }

    public void Dispose()
    {
        _features.Dispose();
        _labels.Dispose();
    }
}
