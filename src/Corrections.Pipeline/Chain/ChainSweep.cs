using Corrections.Contracts;
using Corrections.Pipeline.Resilience;
using Corrections.Registry;
using Corrections.Registry.Entities;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Chain;

/// <summary>
/// The repair for what an outbox would prevent: a worker that dies between a commit and its publish leaves a chain
/// with a candidate nobody announced, or reports nobody will pass over. Events drive every chain; this sweep only
/// looks, every <see cref="PipelineOptions.SweepIntervalMs"/>, for chains whose work is older than
/// <see cref="PipelineOptions.RepublishPendingAfterMs"/> (a candidate pending, or reports waiting with no candidate
/// pending) and sends each a <see cref="ResumeChain"/>. On a healthy chain it sends nothing.
/// </summary>
public sealed class ChainSweep(IServiceScopeFactory scopes, IOptions<PipelineOptions> options, TimeProvider clock, ILogger<ChainSweep> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.SweepIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The registry or the broker is away (the fault suite restarts both): the next sweep tries again.
                log.LogWarning("Chain sweep failed: {Error}", e.Message);
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellation)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var stale = clock.GetUtcNow() - TimeSpan.FromMilliseconds(options.Value.RepublishPendingAfterMs);
        var stalled = await db.Models.AsNoTracking()
            .Where(m => db.Versions.Any(v => v.ModelId == m.Id && v.Status == VersionStatus.Pending)
                ? db.Versions.Any(v => v.ModelId == m.Id && v.Status == VersionStatus.Pending && v.CreatedAt < stale)
                : db.Reports.Any(r => r.ModelName == m.Name && r.Status == ReportStatus.Received && r.ReceivedAt < stale))
            .Select(m => m.Name).ToListAsync(cancellation);
        if (stalled.Count == 0)
        {
            return;
        }
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var resilience = scope.ServiceProvider.GetRequiredService<ResiliencePipelines>();
        foreach (var model in stalled)
        {
            log.LogInformation("Chain of {Model} has had work and no progress since {Stale}; resuming it", model, stale);
            await resilience.Publish.ExecuteAsync(async ct => await publish.Publish(new ResumeChain { Model = model, At = clock.GetUtcNow() }, ct), cancellation);
        }
    }
}
