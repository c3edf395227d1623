using System.ComponentModel;
using System.Globalization;
using Corrections.Cli.Console;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Corrections.Pipeline.Queries;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>Reports as received, newest first, filtered by model, time and status: the audit trail of every correction.</summary>
public sealed class HistoryCommand : AsyncCommand<HistoryCommand.Settings>
{
    public sealed class Settings : OperationSettings
    {
        [CommandOption("-m|--model <NAME>")]
        public string? Model { get; init; }

        [CommandOption("--status <STATUS>")]
        [Description("received, held, rejected, edited, applied or backlogged")]
        public string? Status { get; init; }

        [CommandOption("--producer <NAME>")]
        [Description("Only the reports this producer sent")]
        public string? Producer { get; init; }

        [CommandOption("--since <TIME>")]
        [Description("ISO 8601 time, or a duration back from now: 15m, 2h, 7d")]
        public string? Since { get; init; }

        [CommandOption("--until <TIME>")]
        public string? Until { get; init; }

        [CommandOption("-n|--limit <N>")]
        [DefaultValue(50)]
        public int Limit { get; init; } = 50;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        ReportStatus? status = settings.Status is null ? null
            : Enum.TryParse<ReportStatus>(settings.Status, ignoreCase: true, out var parsed) ? parsed
            : throw new OperatorError($"--status is one of {string.Join(", ", Enum.GetNames<ReportStatus>()).ToLowerInvariant()}.");
        var since = Time(settings.Since, "--since");
        var until = Time(settings.Until, "--until");
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var rows = await scope.ServiceProvider.GetRequiredService<RegistryDbContext>()
            .ReportsAsync(new ReportFilter(settings.Model, status, settings.Producer, since, until, settings.Limit), cancellation);
        if (settings.Json)
        {
            Output.WriteJson(rows);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("received", "report", "model", "status", "producer", "source", "label", "version", "reason");
        foreach (var r in rows)
        {
            table.AddRow($"{r.ReceivedAt:yyyy-MM-dd HH:mm:ss}", $"{r.ReportId}", Markup.Escape(r.Model), r.Status.ToLowerInvariant(), Markup.Escape(r.Producer ?? "(anonymous)"), Markup.Escape(r.Source),
                $"{r.PredictedLabel} → {r.CorrectLabel}", r.Version is { } v ? $"v{v}" : "", Markup.Escape(r.Reason ?? ""));
        }
        AnsiConsole.Write(table);
        return 0;
    }

    private static DateTimeOffset? Time(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length > 1 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            var back = value[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => (TimeSpan?)null,
            };
            if (back is { } span)
            {
                return DateTimeOffset.UtcNow - span;
            }
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new OperatorError($"{option} '{value}' is neither an ISO 8601 time nor a duration like 15m, 2h, 7d.");
    }
}
