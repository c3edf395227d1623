using Corrections.Editing.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// The unexamined traffic a method has been served (<see cref="IObservesTraffic"/>), the most recent
/// <see cref="Capacity"/> images of it, and the pseudo-labels production gives them: self-training on the new
/// distribution, which is what a consolidation can learn about a shift beyond the few inputs someone reported. Only
/// the inputs production answers with confidence ≥ <see cref="Confidence"/> are labelled, with that answer; the rest
/// stay out, since a label production is unsure of teaches its own mistakes back to it.
/// </summary>
public sealed class ObservedTraffic : IDisposable
{
    private readonly List<Tensor> _chunks = [];

    /// <param name="confidence">The softmax probability production's answer must reach, in (0, 1).</param>
    /// <param name="capacity">The most recent images kept; older ones are dropped.</param>
    public ObservedTraffic(double confidence, int capacity = 20_000)
    {
        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "A pseudo-label's confidence threshold lies in (0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        (Confidence, Capacity) = (confidence, capacity);
    }

    public double Confidence { get; }

    public int Capacity { get; }

    /// <summary>Images held now.</summary>
    public int Count { get; private set; }

    /// <summary>Inputs labelled by the last <see cref="Labelled"/>.</summary>
    public int LastLabelled { get; private set; }

    /// <summary>Keeps a CPU copy of <paramref name="images"/> [N, C, H, W], dropping the oldest beyond the capacity.</summary>
    public void Add(Tensor images)
    {
        var copy = images.detach().cpu().clone().DetachFromDisposeScope();
        _chunks.Add(copy);
        Count += (int)copy.shape[0];
        while (Count - _chunks[0].shape[0] >= Capacity)
        {
            Count -= (int)_chunks[0].shape[0];
            _chunks[0].Dispose();
            _chunks.RemoveAt(0);
        }
    }

    /// <summary>
    /// The held images <paramref name="production"/> answers confidently (memory included: a remembered correction is
    /// production's answer too), with its answers as labels; null when there are none. The caller owns the result.
    /// </summary>
    public LabeledImages? Labelled(EditableModel production, IReadOnlyList<string> classNames)
    {
        LastLabelled = 0;
        if (Count == 0)
        {
            return null;
        }
        using var scope = NewDisposeScope();
        using var threshold = Confidence.ToScalar();
        var images = cat(_chunks, 0);
        var start = Math.Max(0, Count - Capacity);
        images = images.narrow(0, start, Count - start);
        var (probability, answer) = production.Logits(images).softmax(1).max(1);
        var confident = probability.ge(threshold).cpu().nonzero().flatten();
        LastLabelled = (int)confident.shape[0];
        if (LastLabelled == 0)
        {
            return null;
        }
        return new LabeledImages(images.index_select(0, confident).clone(), answer.cpu().index_select(0, confident).clone(), classNames, "pseudo-labelled traffic");
    }

    public void Dispose()
    {
        foreach (var chunk in _chunks)
        {
            chunk.Dispose();
        }
        _chunks.Clear();
        Count = 0;
    }
}
