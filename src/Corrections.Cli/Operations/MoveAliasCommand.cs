using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Contracts;
using Corrections.Pipeline.Chain;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// <c>promote</c> and <c>rollback</c>: point the production alias at an accepted version, with a reason for the audit
/// log. Rollback insists on an older version, so a typo cannot silently move production forward.
/// </summary>
public abstract partial class MoveAliasCommand(bool rollback) : AsyncCommand<MoveAliasCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("-v|--version <N>")]
        [Description("The version production should point at")]
        public int Version { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the audit log (required)")]
        public string Reason { get; init; } = "";
    }

    public sealed record Result(string Model, int FromVersion, int ToVersion, bool Rollback, string Reason, string Actor);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        // With the bus: the move is announced (ModelPromoted / ModelRolledBack) like the gate's own promotions.
        await using var connection = await ServiceConnection.OpenAsync(withBus: true, cancellation);
        await using var scope = connection.Scope();
        var registrar = scope.ServiceProvider.GetRequiredService<ModelRegistrar>();
        var actor = connection.Operator;
        try
        {
            if (rollback)
            {
                await using var check = connection.Scope();
                var current = await check.ServiceProvider.GetRequiredService<Registry.RegistryDbContext>().AliasNumberAsync(settings.Model, connection.Alias, cancellation);
                if (current is { } number && settings.Version >= number)
                {
                    throw new OperatorError($"Rollback goes back: {connection.Alias} is v{number}, v{settings.Version} is not older. Use `promote` to move forward.");
                }
            }
            var (from, to) = await registrar.MoveAliasAsync(settings.Model, settings.Version, actor, settings.Reason, cancellation);
            var result = new Result(settings.Model, from.Number, to.Number, to.Number < from.Number, settings.Reason, actor);
            await Announce(connection, result, cancellation);
            if (settings.Json)
            {
                Output.WriteJson(result);
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"{(result.Rollback ? "Rolled back" : "Promoted")} [bold]{result.Model}[/]: production v{result.FromVersion} → v{result.ToVersion} ({result.Reason}).");
            }
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new OperatorError(e.Message);
        }
    }
}

public abstract partial class MoveAliasCommand
{
    private static Task Announce(ServiceConnection connection, Result result, CancellationToken cancellation)
    {
        var now = DateTimeOffset.UtcNow;
        return result.Rollback
            ? connection.Bus.Publish(new ModelRolledBack
            {
                Model = result.Model,
                Alias = connection.Alias,
                FromVersion = result.FromVersion,
                Version = result.ToVersion,
                Reason = result.Reason,
                Actor = result.Actor,
                RolledBackAt = now,
            }, cancellation)
            : connection.Bus.Publish(new ModelPromoted
            {
                Model = result.Model,
                Alias = connection.Alias,
                FromVersion = result.FromVersion,
                Version = result.ToVersion,
                Reason = result.Reason,
                Actor = result.Actor,
                PromotedAt = now,
            }, cancellation);
    }
}

public sealed class PromoteCommand() : MoveAliasCommand(rollback: false);

public sealed class RollbackCommand() : MoveAliasCommand(rollback: true);
