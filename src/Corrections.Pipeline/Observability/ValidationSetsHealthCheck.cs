using Corrections.Pipeline.Gate;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corrections.Pipeline.Observability;

/// <summary>
/// The validation sets the gate judges with: unhealthy when one cannot be loaded (its candidates wait, none is
/// rejected for it), degraded when one skipped unreadable files, each named.
/// </summary>
public sealed class ValidationSetsHealthCheck(ValidationData data) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = data.States;
        var details = states.ToDictionary(s => s.Name, s => (object)(s.Error is { } error
            ? $"unusable: {error}"
            : $"{s.Examples} examples{(s.Skipped.Count > 0 ? $", {s.Skipped.Count} unreadable file(s) skipped: {string.Join("; ", s.Skipped)}" : "")}"));
        var unusable = states.Where(s => s.Error is not null).Select(s => s.Name).ToList();
        var skipping = states.Where(s => s.Skipped.Count > 0).Select(s => s.Name).ToList();
        var result = unusable.Count > 0
            ? HealthCheckResult.Unhealthy($"validation set(s) {string.Join(", ", unusable)} cannot be loaded", data: details)
            : skipping.Count > 0
                ? HealthCheckResult.Degraded($"validation set(s) {string.Join(", ", skipping)} skipped unreadable files", data: details)
                : HealthCheckResult.Healthy($"{states.Count} validation set(s) loaded", data: details);
        return Task.FromResult(result);
    }
}
