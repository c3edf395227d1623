namespace Corrections.Pipeline.Resilience;

/// <summary>Section <c>Resilience</c>: one policy per dependency the pipeline calls.</summary>
public sealed class ResilienceOptions
{
    public const string Section = "Resilience";

    /// <summary>Around each unit of work (an intake, an edit pass, a validation): long enough for an edit pass to wait for
    /// the previous candidate's verdict.</summary>
    public ResiliencePolicy Postgres { get; set; } = new() { TimeoutSeconds = 120 };

    public ResiliencePolicy ModelStore { get; set; } = new() { TimeoutSeconds = 60 };

    public ResiliencePolicy Publish { get; set; } = new() { TimeoutSeconds = 15 };
}
