using Corrections.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Corrections.Pipeline.Migration;

/// <summary>
/// Services never migrate: they run as logins without DDL. They check instead that the schema is the one they were
/// built for, and stop with the command that fixes it.
/// </summary>
public sealed class RegistrySchemaCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => EnsureCurrentAsync(services, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task EnsureCurrentAsync(IServiceProvider services, CancellationToken cancellation)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Database;
        IReadOnlyList<string> pending;
        try
        {
            pending = [.. await database.GetPendingMigrationsAsync(cancellation)];
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is "42P01" or "3F000")
        {
            throw new RegistrySchemaException("The registry has no schema yet: run `corrections migrate` (as the migrator login) first.");
        }
        if (pending.Count > 0)
        {
            throw new RegistrySchemaException(
                $"The registry's schema is {pending.Count} migration(s) behind ({pending[^1]}): run `corrections migrate` (as the migrator login) first.");
        }
    }
}
