using Corrections.Cli.Console;
using Corrections.Pipeline.Migration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// <c>corrections migrate</c>: the one step that changes the registry's schema, as the migrator login
/// (CORRECTIONS_POSTGRES__MIGRATORCONNECTIONSTRING). The worker and the other commands run as logins without DDL and
/// stop on a schema that is behind.
/// </summary>
public sealed class MigrateCommand : AsyncCommand<OperationSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, OperationSettings settings, CancellationToken cancellation)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("CORRECTIONS_").Build();
        if (configuration["Postgres:MigratorConnectionString"] is not { Length: > 0 } migrator)
        {
            throw new OperatorError("""
                No migrator login configured: CORRECTIONS_POSTGRES__MIGRATORCONNECTIONSTRING is not set (the schema's owner; services run without DDL).
                For the local services run:  eval "$(scripts/services env)"
                """);
        }
        using var logging = LoggerFactory.Create(log => log.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.None)
            .AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.None)
            .AddFilter("Quartz", LogLevel.Warning));
        var outcome = await RegistryMigration.ApplyAsync(migrator, logging, cancellation);
        if (settings.Json)
        {
            Output.WriteJson(outcome);
        }
        else if (outcome.Applied.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"The registry's schema is current (checked as {outcome.Migrator}).");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Applied {outcome.Applied.Count} migration(s) as {outcome.Migrator}: {string.Join(", ", outcome.Applied)}.");
        }
        return 0;
    }
}
