using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corrections.Registry;

/// <summary>
/// Applies pending migrations before the host starts consuming, so a fresh database is usable at once. EF Core takes
/// an advisory lock while migrating, so several workers starting together do not race.
/// </summary>
public sealed class RegistryMigrator(IServiceScopeFactory scopes, ILogger<RegistryMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var pending = (await registry.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return;
        }
        logger.LogInformation("Applying {Count} registry migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await registry.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
