using Corrections.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corrections.Pipeline.Observability;

/// <summary>The registry database answers.</summary>
public sealed class RegistryHealthCheck(RegistryDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("registry database reachable")
                : HealthCheckResult.Unhealthy("registry database unreachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("registry database unreachable", e);
        }
    }
}
