using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// A way of keeping a deployed model corrected as reports arrive: the product's design and each of the workarounds it
/// is measured against. The stream calls <see cref="Correct"/> once per report, in order, and <see cref="Predict"/> to
/// find the next mistake and to measure; whatever a method does between reports (a consolidation, a retraining) it
/// does inside <see cref="Correct"/>, so its cost is counted.
/// </summary>
public interface ICorrectionMethod : IDisposable
{
    string Name { get; }

    /// <summary>The hyperparameters the method ran with, for the result file.</summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>One report: <paramref name="input"/> ([C, H, W] flattened, raw pixels) must be classified as <paramref name="label"/>.</summary>
    void Correct(ReadOnlySpan<float> input, long label);

    /// <summary>What the method's current production predicts for raw images [N, C, H, W].</summary>
    long[] Predict(Tensor images);
}
