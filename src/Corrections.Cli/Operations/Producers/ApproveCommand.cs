using Corrections.Cli.Console;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>
/// <c>approve</c>: held reports go on to the editor, and through the gate, like a trusted producer's (a worker's chain
/// sweep picks them up within seconds; `corrections history` follows them). With <c>-m M -v N</c>, a candidate that
/// passed the gate and awaits approval takes production (announced as a promotion); <c>--list</c> lists those.
/// </summary>
public sealed class ApproveCommand : AsyncCommand<HeldSettings>
{
    public sealed record Result(int Approved, string Actor);

    public sealed record Awaiting(string Model, int Version, DateTimeOffset CreatedAt, string? Reason);

    public override async Task<int> ExecuteAsync(CommandContext context, HeldSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: settings.Version is not null, cancellation);
        await using var scope = connection.Scope();
        var actor = connection.Operator;
        if (settings.List)
        {
            return await ListAsync(scope.ServiceProvider.GetRequiredService<CandidateApprovals>(), settings, cancellation);
        }
        if (settings.Version is { } number)
        {
            return await ApproveCandidateAsync(connection, scope.ServiceProvider.GetRequiredService<OperatorDecisions>(), settings.Model!, number, settings.Json, cancellation);
        }
        var approved = await scope.ServiceProvider.GetRequiredService<HeldReports>().ApproveAsync(settings.Filter, actor, cancellation);
        if (settings.Json)
        {
            Output.WriteJson(new Result(approved, actor));
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Approved {approved} held report(s) as {actor}; the editor takes them next.");
        }
        return 0;
    }

    private static async Task<int> ListAsync(CandidateApprovals approvals, HeldSettings settings, CancellationToken cancellation)
    {
        var waiting = (await approvals.ListAsync(settings.Model, cancellation))
            .Select(w => new Awaiting(w.Model, w.Version.Number, w.Version.CreatedAt, w.Version.StatusReason)).ToList();
        if (settings.Json)
        {
            Output.WriteJson(waiting);
            return 0;
        }
        if (waiting.Count == 0)
        {
            AnsiConsole.MarkupLine("No candidate awaits approval.");
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("model", "version", "created", "gate");
        foreach (var w in waiting)
        {
            table.AddRow(Markup.Escape(w.Model), $"v{w.Version}", $"{w.CreatedAt:u}", Markup.Escape(w.Reason ?? ""));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("`corrections approve -m MODEL -v N` promotes one; `corrections refuse -m MODEL -v N --reason ...` rejects it.");
        return 0;
    }

    private static async Task<int> ApproveCandidateAsync(ServiceConnection connection, OperatorDecisions decisions, string model, int number, bool json, CancellationToken cancellation)
    {
        ApprovalOutcome outcome;
        try
        {
            outcome = await decisions.ApproveAsync(model, number, connection.Operator, cancellation);
        }
        catch (InvalidOperationException e)
        {
            throw new OperatorError(e.Message);
        }
        if (json)
        {
            Output.WriteJson(outcome);
        }
        else
        {
            if (outcome.Promoted)
            {
                AnsiConsole.MarkupLineInterpolated($"Approved v{number} of {model} as {connection.Operator}: production v{outcome.ProductionVersion} → v{number}, {outcome.Reports} correction(s) applied.");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Approved v{number} of {model} as {connection.Operator}, but production moved to v{outcome.ProductionVersion} meanwhile: its {outcome.Reports} report(s) are edited again on it, without another approval.");
            }
        }
        return 0;
    }
}
