using Corrections.Cli.Console;
using Corrections.Pipeline.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// The retraining schedules the worker cluster runs (read from its shared Quartz store), with the last and next fire
/// and what the next fire would do with the corrections waiting now: train, or why not (too few; all already in a
/// rejected retrain).
/// </summary>
public sealed class SchedulesCommand : AsyncCommand<OperationSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, OperationSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation, withRetrainingTrigger: true);
        await using var scope = connection.Scope();
        var schedules = await scope.ServiceProvider.GetRequiredService<RetrainingSchedules>().ListAsync(cancellation);
        if (settings.Json)
        {
            Output.WriteJson(schedules);
            return 0;
        }
        if (schedules.Count == 0)
        {
            AnsiConsole.MarkupLine("No retraining schedule in the cluster's store: no worker with [bold]Retraining:Schedules[/] has started on this registry.");
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).Title("retraining schedules")
            .AddColumns("model", "cron", "min", "waiting", "never tried", "last fire", "next fire", "the next fire would");
        foreach (var s in schedules)
        {
            table.AddRow(Markup.Escape(s.Model), Markup.Escape(s.Cron), $"{s.MinCorrections}", $"{s.Waiting}", $"{s.NeverTried}",
                s.PreviousFire is { } last ? $"{last.ToLocalTime():MM-dd HH:mm:ss}" : "", NextFire(s.NextFire),
                Markup.Escape(s.NextFireWould));
        }
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>A next fire in the past means no worker node has run the scheduler since (they are all down).</summary>
    private static string NextFire(DateTimeOffset? next) => next switch
    {
        null => "",
        { } due when due < DateTimeOffset.UtcNow.AddSeconds(-5) => $"[yellow]{due.ToLocalTime():MM-dd HH:mm:ss} overdue: is a worker running?[/]",
        { } due => $"{due.ToLocalTime():MM-dd HH:mm:ss}",
    };
}
