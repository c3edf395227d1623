using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>
/// Folding corrections back into a model: the training set plus every correction, each repeated, so that a retrain
/// learns a few hundred corrections without drowning them in tens of thousands of ordinary images.
/// </summary>
public static class CorrectionFolding
{
    /// <summary>The training set plus <paramref name="repeats"/> copies of every correction.</summary>
    public static LabeledImages Mix(LabeledImages train, CorrectionSet corrections, int repeats)
    {
        var (images, labels) = corrections.ToTensors();
        using (images)
        using (labels)
        {
            return Mix(train, images, labels, repeats);
        }
    }

    /// <param name="train">The training set.</param>
    /// <param name="images">Corrected inputs, float32 [N, C, H, W] in [0, 1].</param>
    /// <param name="labels">Their corrected labels, int64 [N].</param>
    /// <param name="repeats">How many copies of each correction join the mix.</param>
    public static LabeledImages Mix(LabeledImages train, Tensor images, Tensor labels, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        if (images.dim() != 4 || !images.shape.Skip(1).SequenceEqual(train.ImageShape) || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"Corrections are [{string.Join(", ", images.shape)}] with {labels.shape[0]} labels; the training images are [N, {string.Join(", ", train.ImageShape)}].");
        }
        using var scope = NewDisposeScope();
        var mixedImages = cat([train.Images, images.to(ScalarType.Float32).repeat(repeats, 1, 1, 1)]);
        var mixedLabels = cat([train.Labels, labels.to(ScalarType.Int64).repeat(repeats)]);
        // LabeledImages checks the label range against the class names, so an out-of-range correction fails here.
        return new LabeledImages(mixedImages.MoveToOuterDisposeScope(), mixedLabels.MoveToOuterDisposeScope(), train.ClassNames, $"{train.Count} training images + {images.shape[0]} corrections × {repeats}");
    }
}
