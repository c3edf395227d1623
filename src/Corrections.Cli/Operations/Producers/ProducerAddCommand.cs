using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>
/// <c>producers add NAME</c>: registers a producer and prints its API key, once (only its hash is stored). The same name
/// is the producer's broker user for AMQP (`scripts/services producer NAME` makes one on the local broker).
/// </summary>
public sealed class ProducerAddCommand : AsyncCommand<ProducerAddCommand.Settings>
{
    public sealed class Settings : OperationSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Producer name, also its broker user: a-z, 0-9, '.', '_', '-'")]
        public string Name { get; init; } = "";

        [CommandOption("--trust <LEVEL>")]
        [Description("trusted (edits go through the gate), reviewed or untrusted (reports held for an operator)")]
        [DefaultValue("reviewed")]
        public string Trust { get; init; } = "reviewed";

        [CommandOption("--reports-per-hour <N>")]
        [Description("Hourly quota (default: Producers:DefaultReportsPerHour, 10,000)")]
        public int? ReportsPerHour { get; init; }

        [CommandOption("--per-label-per-hour <N>")]
        [Description("Hourly quota per model and correct label (default: Producers:DefaultReportsPerLabelPerHour, 2,500)")]
        public int? PerLabelPerHour { get; init; }

        [CommandOption("--if-missing")]
        [Description("Succeed without a new key when an active producer of that name exists (for provisioning scripts)")]
        public bool IfMissing { get; init; }
    }

    /// <summary>The producer, and its key unless it existed already (<c>--if-missing</c>).</summary>
    public sealed record Result(ProducerRow Producer, string? ApiKey);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var trust = TrustLevels.Parse(settings.Trust);
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var directory = scope.ServiceProvider.GetRequiredService<ProducerDirectory>();
        if (settings.IfMissing && await directory.FindAsync(settings.Name, cancellation) is { RevokedAt: null } existing)
        {
            if (settings.Json)
            {
                Output.WriteJson(new Result(ProducerRow.Of(existing), null));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Producer [bold]{existing.Name}[/] exists ({existing.Trust.ToString().ToLowerInvariant()}); its key is unchanged.");
            }
            return 0;
        }
        try
        {
            var (producer, key) = await directory.AddAsync(settings.Name, trust, settings.ReportsPerHour, settings.PerLabelPerHour, connection.Operator, cancellation);
            var result = new Result(ProducerRow.Of(producer), key);
            if (settings.Json)
            {
                Output.WriteJson(result);
                return 0;
            }
            AnsiConsole.MarkupLineInterpolated($"Producer [bold]{producer.Name}[/] added ({result.Producer.Trust}, {producer.ReportsPerHour}/h, {producer.ReportsPerLabelPerHour}/h per label).");
            AnsiConsole.MarkupLineInterpolated($"API key (shown once, store it now): [bold]{key}[/]");
            AnsiConsole.MarkupLineInterpolated($"HTTP: Authorization: Bearer <key>. AMQP: publish as broker user '{producer.Name}' with user_id set.");
            return 0;
        }
        catch (ProducerException e)
        {
            throw new OperatorError(e.Message);
        }
    }
}
