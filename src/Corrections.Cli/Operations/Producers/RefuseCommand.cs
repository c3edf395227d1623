using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>
/// <c>refuse</c>: held reports are rejected with the operator's reason, kept for the audit, never edited; with
/// <c>-m M -v N</c>, a candidate awaiting approval is rejected, and its reports with it.
/// </summary>
public sealed class RefuseCommand : AsyncCommand<RefuseCommand.Settings>
{
    public sealed class Settings : HeldSettings
    {
        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the audit log (required)")]
        public string Reason { get; init; } = "";

        public override ValidationResult Validate() => string.IsNullOrWhiteSpace(Reason)
            ? ValidationResult.Error("--reason is required")
            : base.Validate();
    }

    public sealed record Result(int Refused, string Actor, string Reason);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var actor = connection.Operator;
        if (settings.Version is { } number)
        {
            try
            {
                var outcome = await scope.ServiceProvider.GetRequiredService<Pipeline.Chain.CandidateApprovals>()
                    .RefuseAsync(settings.Model!, number, settings.Reason, actor, cancellation);
                if (settings.Json)
                {
                    Output.WriteJson(outcome);
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"Refused v{number} of {settings.Model} as {actor}; its {outcome.Reports} report(s) are rejected.");
                }
                return 0;
            }
            catch (InvalidOperationException e)
            {
                throw new OperatorError(e.Message);
            }
        }
        var refused = await scope.ServiceProvider.GetRequiredService<HeldReports>().RefuseAsync(settings.Filter, settings.Reason, actor, cancellation);
        if (settings.Json)
        {
            Output.WriteJson(new Result(refused, actor, settings.Reason));
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Refused {refused} held report(s) as {actor}.");
        }
        return 0;
    }
}
