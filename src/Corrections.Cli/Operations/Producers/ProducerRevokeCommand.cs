using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary><c>producers revoke NAME --reason TEXT</c>: its key and broker identity are refused, its held reports refused.</summary>
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

    public sealed record Result(ProducerRow Producer, int HeldRefused);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        try
        {
            var (producer, refused) = await scope.ServiceProvider.GetRequiredService<ProducerDirectory>()
                .RevokeAsync(settings.Name, settings.Reason, connection.Operator, cancellation);
            if (settings.Json)
            {
                Output.WriteJson(new Result(ProducerRow.Of(producer), refused));
                return 0;
            }
            AnsiConsole.MarkupLineInterpolated($"Producer [bold]{producer.Name}[/] revoked; {refused} held report(s) refused.");
            AnsiConsole.MarkupLineInterpolated($"Its corrections already applied stay in production: `corrections history --producer {producer.Name} --status applied` lists them; `corrections rollback` takes production back.");
            return 0;
        }
        catch (ProducerException e)
        {
            throw new OperatorError(e.Message);
        }
    }
}
