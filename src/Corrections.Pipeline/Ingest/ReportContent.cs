using System.Security.Cryptography;
using System.Text;
using Corrections.Contracts;

namespace Corrections.Pipeline.Ingest;

/// <summary>
/// A report's fingerprint: SHA-256 over who sent it and everything it says, each field length-prefixed so no two
/// different reports can run together into the same bytes. A retry sends the same bytes; a different report under a used
/// id does not.
/// </summary>
public static class ReportContent
{
    public static byte[] Hash(MisclassificationReported report, string? producer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Text(hash, producer);
        Text(hash, report.Model);
        Number(hash, report.ObservedVersion ?? int.MinValue);
        Number(hash, report.PredictedLabel);
        Number(hash, report.CorrectLabel);
        Text(hash, report.Source);
        Number(hash, report.ObservedAt.UtcTicks);
        Number(hash, report.Confidence is { } c ? BitConverter.SingleToInt32Bits(c) : long.MinValue);
        var shape = report.Input?.Shape ?? [];
        Number(hash, shape.Length);
        foreach (var dimension in shape)
        {
            Number(hash, dimension);
        }
        Bytes(hash, report.Input?.Tensor);
        Bytes(hash, report.Input?.EncodedImage);
        return hash.GetHashAndReset();
    }

    private static void Text(IncrementalHash hash, string? value) => Bytes(hash, value is null ? null : Encoding.UTF8.GetBytes(value));

    private static void Bytes(IncrementalHash hash, byte[]? value)
    {
        Number(hash, value?.Length ?? -1);
        if (value is not null)
        {
            hash.AppendData(value);
        }
    }

    private static void Number(IncrementalHash hash, long value) => hash.AppendData(BitConverter.GetBytes(value));
}
