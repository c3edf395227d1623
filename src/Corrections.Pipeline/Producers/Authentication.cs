using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Producers;

/// <summary>What an API key proved: a producer, or why not (no key, a key nobody holds, a revoked producer's key).</summary>
public sealed record Authentication(Producer? Producer, string? Failure)
{
    public static Authentication Of(Producer producer) => new(producer, null);

    public static Authentication Missing { get; } = new(null, "missing");

    public static Authentication Unknown { get; } = new(null, "unknown");

    public static Authentication Revoked(Producer producer) => new(producer, "revoked");

    public bool Succeeded => Failure is null;
}
