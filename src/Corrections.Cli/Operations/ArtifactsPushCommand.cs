using Corrections.Cli.Console;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// <c>corrections artifacts push</c>: puts every registered version this host's directory holds into the database's
/// artifact store (<see cref="ArtifactPush"/>); exits 1 when some version's file is missing or changed here.
/// </summary>
public sealed class ArtifactsPushCommand : AsyncCommand<OperationSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, OperationSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        if (scope.ServiceProvider.GetRequiredService<ModelStore>().Shared is null)
        {
            throw new OperatorError("Pipeline:ArtifactStore is 'directory': there is no shared store to push to. Set CORRECTIONS_PIPELINE__ARTIFACTSTORE=postgres.");
        }
        var push = scope.ServiceProvider.GetRequiredService<ArtifactPush>();
        var outcome = settings.Json ? await push.RunAsync(null, cancellation) : await AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("versions pushed");
                return await push.RunAsync((done, total) => (task.MaxValue, task.Value) = (total, done), cancellation);
            });
        if (settings.Json)
        {
            Output.WriteJson(outcome);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"{outcome.Pushed} of {outcome.Versions} versions are in the database's artifact store.");
            foreach (var (what, locations) in new[] { ("missing here", outcome.Missing), ("differ here from the registry's hash", outcome.Changed) })
            {
                if (locations.Count > 0)
                {
                    AnsiConsole.MarkupLineInterpolated($"[yellow]{locations.Count} {what}[/] (push them from the host that holds them): {string.Join(", ", locations.Take(10))}{(locations.Count > 10 ? ", …" : "")}");
                }
            }
        }
        return outcome.Missing.Count + outcome.Changed.Count == 0 ? 0 : 1;
    }
}
