using Corrections.Cli.Console;
using Corrections.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>Every version of a model: kind, gate status, parent, alias, corrections carried, and the gate's figures.</summary>
public sealed class VersionsCommand : AsyncCommand<ModelSettings>
{
    public sealed record Row(
        int Version, string Kind, string Status, int? Parent, string? Alias, int Corrections, double? ErrorPct, double? DrawdownPp,
        double? CumulativeDrawdownPp, string CreatedBy, DateTimeOffset CreatedAt, string? Reason, long Bytes, bool Delta);

    public override async Task<int> ExecuteAsync(CommandContext context, ModelSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var rows = await ReadAsync(db, settings.Model, cancellation);
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

    public static async Task<List<Row>> ReadAsync(RegistryDbContext db, string model, CancellationToken cancellation)
    {
        var modelId = await db.ModelIdAsync(model, cancellation);
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == modelId).OrderBy(v => v.Number).ToListAsync(cancellation);
        var numbers = versions.ToDictionary(v => v.Id, v => v.Number);
        var aliases = await db.Aliases.AsNoTracking().Where(a => a.ModelId == modelId).ToListAsync(cancellation);
        var ids = versions.Select(v => v.Id).ToList();
        var corrections = await db.Reports.AsNoTracking().Where(r => r.VersionId != null && ids.Contains(r.VersionId.Value))
            .GroupBy(r => r.VersionId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellation);
        // The first real validation set stands for the version in the table; --json consumers get the same.
        var figures = (await db.Validations.AsNoTracking().Where(v => ids.Contains(v.VersionId) && v.SetName != "own-corrections" && v.SetName != "earlier-corrections" && v.SetName != "trigger-probe" && !v.SetName.StartsWith("worst-class:"))
            .OrderBy(v => v.Id).ToListAsync(cancellation)).GroupBy(v => v.VersionId).ToDictionary(g => g.Key, g => g.First());
        return [.. versions.Select(v =>
        {
            figures.TryGetValue(v.Id, out var f);
            return new Row(
                v.Number, v.Kind.ToString(), v.Status.ToString(), v.ParentId is { } p ? numbers[p] : null,
                aliases.FirstOrDefault(a => a.VersionId == v.Id)?.Name, corrections.GetValueOrDefault(v.Id),
                f is null ? null : f.ErrorRate * 100, f?.DrawdownPp, f?.CumulativeDrawdownPp, v.CreatedBy, v.CreatedAt, v.StatusReason, v.Bytes, v.IsDelta);
        })];
    }

    private static string Colour(string status) => status switch
    {
        "Accepted" => "[green]accepted[/]",
        "Rejected" => "[red]rejected[/]",
        _ => "[yellow]pending[/]",
    };

    private static string Pp(double? value) => value is { } v ? $"{v:+0.00;-0.00} pp" : "";
}
