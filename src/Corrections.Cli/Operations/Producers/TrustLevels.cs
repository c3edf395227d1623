using Corrections.Registry.Entities;

namespace Corrections.Cli.Operations.Producers;

/// <summary>Reads <c>--trust</c>: trusted, reviewed or untrusted.</summary>
public static class TrustLevels
{
    public static ProducerTrust Parse(string value) =>
        Enum.TryParse<ProducerTrust>(value, ignoreCase: true, out var trust) && Enum.IsDefined(trust)
            ? trust
            : throw new OperatorError($"--trust '{value}' is not a trust level: trusted, reviewed or untrusted.");
}
