using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>
/// <c>producers revoke NAME --reason TEXT</c>: its key and broker identity are refused, its held reports refused, and
/// production rolls back past its applied corrections (<see cref="ProducerRevocation"/>), each rollback announced.
/// </summary>
public sealed class ProducerRevokeCommand : AsyncCommand<ProducerRevokeCommand.Settings>
{
    public sealed class Settings : OperationSettings
    {
        [CommandArgument(0, "<NAME>")]
        public string Name { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the audit log (required)")]
        public string Reason { get; init; } = "";

        public override ValidationResult Validate() => string.IsNullOrWhiteSpace(Reason)
            ? ValidationResult.Error("--reason is required")
            : base.Validate();
    }

    public sealed record Result(ProducerRow Producer, int HeldRefused, IReadOnlyList<Withdrawal> Withdrawals);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: true, cancellation);
        await using var scope = connection.Scope();
        try
        {
            var (producer, refused) = await scope.ServiceProvider.GetRequiredService<ProducerDirectory>()
                .RevokeAsync(settings.Name, settings.Reason, connection.Operator, cancellation);
            var withdrawals = await scope.ServiceProvider.GetRequiredService<ProducerRevocation>()
                .WithdrawAsync(producer.Name, settings.Reason, connection.Operator, cancellation);
            foreach (var w in withdrawals.Where(w => w.ToVersion is not null))
            {
                await connection.Bus.Publish(new Contracts.ModelRolledBack
                {
                    Model = w.Model,
                    Alias = connection.Alias,
                    FromVersion = w.FromVersion,
                    Version = w.ToVersion!.Value,
                    Reason = $"producer {producer.Name} revoked ({settings.Reason})",
                    Actor = connection.Operator,
                    RolledBackAt = DateTimeOffset.UtcNow,
                    Sha256 = await scope.ServiceProvider.GetRequiredService<Pipeline.Queries.Artifacts>().Sha256Async(w.Model, w.ToVersion.Value, cancellation),
                }, cancellation);
            }
            if (settings.Json)
            {
                Output.WriteJson(new Result(ProducerRow.Of(producer), refused, withdrawals));
                return 0;
            }
            AnsiConsole.MarkupLineInterpolated($"Producer [bold]{producer.Name}[/] revoked; {refused} held report(s) refused.");
            foreach (var w in withdrawals)
            {
                if (w.ToVersion is { } to)
                {
                    AnsiConsole.MarkupLineInterpolated($"  {w.Model}: production v{w.FromVersion} → v{to}; {w.Withdrawn} correction(s) back in the backlog ({w.OfProducer} of {producer.Name}, never folded in; the rest wait for retraining).");
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"  {w.Model}: every accepted version carries {producer.Name}'s corrections; production stays v{w.FromVersion}: register a clean base.");
                }
            }
            if (withdrawals.Count == 0)
            {
                AnsiConsole.MarkupLine("  No production version carried its corrections.");
            }
            return 0;
        }
        catch (ProducerException e)
        {
            throw new OperatorError(e.Message);
        }
    }
}
