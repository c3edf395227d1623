using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>
/// <c>approve</c>: held reports go on to the editor, and through the gate, like a trusted producer's. A worker's chain
/// sweep picks them up within seconds; `corrections history` follows them.
/// </summary>
public sealed class ApproveCommand : AsyncCommand<HeldSettings>
{
    public sealed record Result(int Approved, string Actor);

    public override async Task<int> ExecuteAsync(CommandContext context, HeldSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var actor = connection.Operator;
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
}
