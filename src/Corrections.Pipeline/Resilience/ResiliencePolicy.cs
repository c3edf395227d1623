using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Resilience;

/// <summary>Retry with exponential back-off and jitter, then a circuit breaker, inside a timeout: one dependency's settings.</summary>
public sealed class ResiliencePolicy
{
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    [Range(1, 60_000)]
    public int BaseDelayMs { get; set; } = 200;

    /// <summary>Share of failed calls within <see cref="SamplingSeconds"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakFailureRatio { get; set; } = 0.5;

    [Range(1, 3600)]
    public int SamplingSeconds { get; set; } = 30;

    /// <summary>Calls needed in the sampling window before the breaker judges at all.</summary>
    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 10;

    [Range(1, 3600)]
    public int BreakSeconds { get; set; } = 15;

    /// <summary>Per attempt.</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 30;
}
