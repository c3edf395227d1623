using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Chain;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// <c>promote</c> and <c>rollback</c>: point the production alias at an accepted version, with a reason for the audit
/// log (<see cref="OperatorDecisions.MoveAsync"/>, as the HTTP API does). Rollback insists on an older version, so a
/// typo cannot silently move production forward.
/// </summary>
public abstract class MoveAliasCommand(bool rollback) : AsyncCommand<MoveAliasCommand.Settings>
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

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        // With the bus: the move is announced (ModelPromoted / ModelRolledBack) like the gate's own promotions.
        await using var connection = await ServiceConnection.OpenAsync(withBus: true, cancellation);
        await using var scope = connection.Scope();
        AliasMoved moved;
        try
        {
            moved = await scope.ServiceProvider.GetRequiredService<OperatorDecisions>()
                .MoveAsync(settings.Model, settings.Version, rollback, connection.Operator, settings.Reason, cancellation);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new OperatorError(e.Message);
        }
        if (settings.Json)
        {
            Output.WriteJson(moved);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"{(moved.Rollback ? "Rolled back" : "Promoted")} [bold]{moved.Model}[/]: {moved.Alias} v{moved.FromVersion} → v{moved.ToVersion} ({moved.Reason}).");
        }
        return 0;
    }
}

public sealed class PromoteCommand() : MoveAliasCommand(rollback: false);

public sealed class RollbackCommand() : MoveAliasCommand(rollback: true);
