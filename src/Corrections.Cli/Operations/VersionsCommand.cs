using Corrections.Cli.Console;
using Corrections.Registry;
using Corrections.Pipeline.Queries;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>Every version of a model: kind, gate status, parent, alias, corrections carried, and the gate's figures.</summary>
public sealed class VersionsCommand : AsyncCommand<ModelSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var rows = await db.VersionsAsync(settings.Model, cancellation) ?? throw new OperatorError($"No model named '{settings.Model}'.");
        if (settings.Json)
        {
            Output.WriteJson(rows);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).Title($"{settings.Model}: {rows.Count} versions")
            .AddColumns("v", "kind", "status", "parent", "alias", "fixes", "error", "drawdown", "cumulative", "by", "created", "reason");
        foreach (var r in rows)
        {
            table.AddRow(
                $"{r.Version}", r.Kind.ToLowerInvariant(), Colour(r.Status), r.Parent is { } p ? $"{p}" : "", r.Alias ?? "", $"{r.Corrections}",
                r.ErrorPct is { } e ? $"{e:F2} %" : "", Pp(r.DrawdownPp), Pp(r.CumulativeDrawdownPp), Markup.Escape(r.CreatedBy),
                $"{r.CreatedAt:MM-dd HH:mm:ss}", Markup.Escape(r.Reason ?? ""));
        }
        AnsiConsole.Write(table);
        return 0;
    }

    private static string Colour(string status) => status switch
    {
        "Accepted" => "[green]accepted[/]",
        "Rejected" => "[red]rejected[/]",
        "AwaitingApproval" => "[yellow]awaiting approval[/]",
        _ => "[yellow]pending[/]",
    };

    private static string Pp(double? value) => value is { } v ? $"{v:+0.00;-0.00} pp" : "";
}
