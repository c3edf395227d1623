using Corrections.Pipeline.Scheduling;
using Corrections.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Corrections.Pipeline.Migration;

/// <summary>
/// The one step that changes the registry's schema, run by <c>corrections migrate</c> (or <c>corrections-worker
/// migrate</c>) as the migrator login, apart from the services: the registry's EF migrations, the scheduler's tables, and
/// the writer's rights on those tables. The worker and the CLI then run as logins without DDL, and refuse to start on a
/// schema that is behind (<see cref="RegistrySchemaCheck"/>).
/// </summary>
public static class RegistryMigration
{
    /// <summary>What one run did.</summary>
    public sealed record Outcome(IReadOnlyList<string> Applied, string Migrator);

    public static async Task<Outcome> ApplyAsync(string migratorConnectionString, ILoggerFactory logging, CancellationToken cancellation)
    {
        await using var provider = new ServiceCollection()
            .AddSingleton(logging)
            .AddLogging()
            .AddDbContext<RegistryDbContext>(options => RegistryServiceCollectionExtensions.UseCorrectionsPostgres(options, migratorConnectionString))
            .AddRetrainingStoreProvisioning(migratorConnectionString)
            .BuildServiceProvider();
        IReadOnlyList<string> pending;
        await using (var scope = provider.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            pending = [.. await registry.Database.GetPendingMigrationsAsync(cancellation)];
            // EF takes an advisory lock while migrating, so two migrators started together do not race.
            await registry.Database.MigrateAsync(cancellation);
        }
        // Building the scheduler initialises its store, which creates the tables it misses; it is never started, so
        // this process fires no job.
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellation);
        await scheduler.Shutdown(waitForJobsToComplete: false, cancellation);
        await GrantSchedulerTablesAsync(migratorConnectionString, cancellation);
        return new Outcome(pending, new NpgsqlConnectionStringBuilder(migratorConnectionString).Username ?? "");
    }

    /// <summary>
    /// Quartz deletes its own rows (fired triggers, locks), which the writer's default rights (no DELETE) do not allow;
    /// its tables are made by the migrator after the registry's default privileges were set, so they are granted here.
    /// </summary>
    private static async Task GrantSchedulerTablesAsync(string connectionString, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var grant = new NpgsqlCommand("""
            DO $$
            DECLARE
                t record;
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN
                    RETURN;
                END IF;
                FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'corrections' AND tablename LIKE 'qrtz\_%' LOOP
                    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON corrections.%I TO corrections_writer', t.tablename);
                END LOOP;
            END
            $$;
            """, connection);
        await grant.ExecuteNonQueryAsync(cancellation);
    }
}
