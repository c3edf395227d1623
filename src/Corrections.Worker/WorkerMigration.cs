using Corrections.Pipeline.Migration;

namespace Corrections.Worker;

/// <summary><c>corrections-worker migrate</c>, for images that carry the worker only (compose's one-shot migrate service).</summary>
internal static class WorkerMigration
{
    public static async Task<int> RunAsync(IConfiguration configuration)
    {
        if (configuration["Postgres:MigratorConnectionString"] is not { Length: > 0 } migrator)
        {
            Console.Error.WriteLine("error: Postgres:MigratorConnectionString is not set (CORRECTIONS_POSTGRES__MIGRATORCONNECTIONSTRING): migrations run as the migrator login.");
            return 2;
        }
        using var logging = LoggerFactory.Create(log => log.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        var outcome = await RegistryMigration.ApplyAsync(migrator, logging, CancellationToken.None);
        Console.WriteLine(outcome.Applied.Count == 0
            ? $"The registry's schema is current (checked as {outcome.Migrator})."
            : $"Applied {outcome.Applied.Count} migration(s) as {outcome.Migrator}: {string.Join(", ", outcome.Applied)}.");
        return 0;
    }
}
