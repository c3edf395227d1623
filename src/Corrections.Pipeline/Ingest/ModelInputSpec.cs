namespace Corrections.Pipeline.Ingest;

/// <summary>What a registered model accepts: raw images [C, H, W] in [0, 1] and labels in [0, ClassCount).</summary>
public sealed record ModelInputSpec(int[] InputShape, int ClassCount)
{
    public int Channels => InputShape[0];
    public int Height => InputShape[1];
    public int Width => InputShape[2];
    public int ElementCount => InputShape.Aggregate(1, (a, b) => a * b);
}
