using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corrections.Pipeline.Observability;

/// <summary>
/// Feeds the <c>corrections.backlog</c> gauge: corrections waiting for retraining, per model, read from the registry
/// every 30 seconds (a gauge cannot query the database on every scrape without making scrapes slow).
/// </summary>
public sealed class BacklogMonitor(IServiceScopeFactory scopes, PipelineMetrics metrics, ILogger<BacklogMonitor> log) : BackgroundService
{
    private static readonly TimeSpan _interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                var backlog = await db.Reports.AsNoTracking().Where(r => r.Status == ReportStatus.Backlogged)
                    .GroupBy(r => r.ModelName).Select(g => new { g.Key, Count = g.Count() })
                    .ToDictionaryAsync(g => g.Key, g => g.Count, stoppingToken);
                metrics.Backlog(backlog);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not read the backlog; the gauge keeps its last values");
            }
            await Task.Delay(_interval, stoppingToken);
        }
    }
}
