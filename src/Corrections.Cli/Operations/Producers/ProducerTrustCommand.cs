using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary><c>producers trust NAME LEVEL</c>: changes how far a producer's future reports go; held ones stay held.</summary>
public sealed class ProducerTrustCommand : AsyncCommand<ProducerTrustCommand.Settings>
{
    public sealed class Settings : OperationSettings
    {
        [CommandArgument(0, "<NAME>")]
        public string Name { get; init; } = "";

        [CommandArgument(1, "<LEVEL>")]
        [Description("trusted, reviewed or untrusted")]
        public string Trust { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var trust = TrustLevels.Parse(settings.Trust);
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        try
        {
            var producer = await scope.ServiceProvider.GetRequiredService<ProducerDirectory>().SetTrustAsync(settings.Name, trust, cancellation);
            if (settings.Json)
            {
                Output.WriteJson(ProducerRow.Of(producer));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Producer [bold]{producer.Name}[/] is {trust.ToString().ToLowerInvariant()} from now on; reports held before stay held (`corrections approve --producer {producer.Name}`).");
            }
            return 0;
        }
        catch (ProducerException e)
        {
            throw new OperatorError(e.Message);
        }
    }
}
