namespace Corrections.Contracts;

/// <summary>
/// The input a model got wrong: either a float32 tensor (shape + little-endian payload) or an encoded image (PNG/JPEG).
/// Exactly one of <see cref="Tensor"/> and <see cref="EncodedImage"/> is set; ingest validates that before any tensor op.
/// </summary>
public sealed record ReportedInput
{
    public int[]? Shape { get; init; }

    /// <summary>float32 values, little-endian, row-major, <c>product(Shape)</c> of them.</summary>
    public byte[]? Tensor { get; init; }

    /// <summary>A PNG or JPEG file's bytes, decoded and normalised by the model's preprocessing.</summary>
    public byte[]? EncodedImage { get; init; }
}
