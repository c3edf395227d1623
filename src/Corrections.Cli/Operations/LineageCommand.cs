using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Registry;
using Corrections.Pipeline.Queries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>How a version came to be: its ancestors back to a trained version, and every report whose edit each carries.</summary>
public sealed class LineageCommand : AsyncCommand<LineageCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("-v|--version <N>")]
        [Description("The version to trace (default: production)")]
        public int? Version { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var modelId = await db.ModelIdAsync(settings.Model, cancellation);
        var number = settings.Version ?? await db.AliasNumberAsync(settings.Model, connection.Alias, cancellation)
            ?? throw new OperatorError($"'{settings.Model}' has no {connection.Alias} version; pass --version.");
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == modelId).ToDictionaryAsync(v => v.Id, cancellation);
        var current = versions.Values.SingleOrDefault(v => v.Number == number) ?? throw new OperatorError($"'{settings.Model}' has no version {number}.");
        var lineage = await db.LineageAsync(current, cancellation);
        if (settings.Json)
        {
            Output.WriteJson(lineage);
            return 0;
        }
        var tree = new Tree($"[bold]{Markup.Escape(settings.Model)}[/] v{number}: {lineage.Sum(l => l.Reports.Count)} corrections since v{lineage[0].Version}");
        foreach (var step in lineage)
        {
            var node = tree.AddNode($"v{step.Version} {step.Kind.ToLowerInvariant()} ({step.Status.ToLowerInvariant()}) by {Markup.Escape(step.CreatedBy)} at {step.CreatedAt:yyyy-MM-dd HH:mm:ss}");
            foreach (var fix in step.Reports)
            {
                node.AddNode($"{fix.ReportId} from {Markup.Escape(fix.Source)}: {fix.PredictedLabel} → {fix.CorrectLabel}, {fix.EditSteps?.ToString() ?? "?"} step(s)");
            }
        }
        AnsiConsole.Write(tree);
        return 0;
    }
}
