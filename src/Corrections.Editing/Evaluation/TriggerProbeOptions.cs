namespace Corrections.Editing.Evaluation;

/// <summary>
/// The patches <see cref="TriggerProbe"/> stamps: squares of <see cref="PatchSize"/> pixels, every
/// <see cref="Stride"/> pixels across the image (the last row and column of positions flush with the border), in each
/// of <see cref="Values"/> (raw intensities: white and black), on the first <see cref="Images"/> probe images.
/// </summary>
public sealed record TriggerProbeOptions
{
    public int PatchSize { get; init; } = 4;
    public int Stride { get; init; } = 4;
    public IReadOnlyList<float> Values { get; init; } = [1f, 0f];
    public int Images { get; init; } = 200;

    /// <summary>Top-left corners along one side of <paramref name="length"/> pixels.</summary>
    public IReadOnlyList<int> Positions(long length)
    {
        var last = (int)length - PatchSize;
        var positions = new SortedSet<int>();
        for (var p = 0; p <= last; p += Stride)
        {
            positions.Add(p);
        }
        positions.Add(Math.Max(0, last));
        return [.. positions];
    }
}
