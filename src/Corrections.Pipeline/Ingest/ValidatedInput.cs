namespace Corrections.Pipeline.Ingest;

/// <summary>A report's input after every check: float32 [C, H, W] in [0, 1], and the format it arrived in.</summary>
public sealed record ValidatedInput(float[] Values, string Format)
{
    public byte[] ToBytes()
    {
        var bytes = new byte[Values.Length * sizeof(float)];
        Buffer.BlockCopy(Values, 0, bytes, 0, bytes.Length);
        return BitConverter.IsLittleEndian ? bytes : throw new PlatformNotSupportedException("Tensors are stored little-endian.");
    }
}
