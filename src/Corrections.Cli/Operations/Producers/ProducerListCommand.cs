using Corrections.Cli.Console;
using Corrections.Pipeline.Producers;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary><c>producers list</c>: every producer, revoked ones included, with trust, quotas and key prefix.</summary>
public sealed class ProducerListCommand : AsyncCommand<OperationSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, OperationSettings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var rows = (await scope.ServiceProvider.GetRequiredService<ProducerDirectory>().ListAsync(cancellation)).Select(ProducerRow.Of).ToList();
        if (settings.Json)
        {
            Output.WriteJson(rows);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("producer", "trust", "key", "per hour", "per label", "created", "by", "revoked");
        foreach (var p in rows)
        {
            table.AddRow(Markup.Escape(p.Name), p.Trust, Markup.Escape(p.KeyPrefix is null ? "" : p.KeyPrefix + "…"), $"{p.ReportsPerHour:N0}", $"{p.ReportsPerLabelPerHour:N0}",
                $"{p.CreatedAt:yyyy-MM-dd HH:mm}", Markup.Escape(p.CreatedBy), p.RevokedAt is { } at ? Markup.Escape($"{at:yyyy-MM-dd HH:mm} by {p.RevokedBy}: {p.RevokedReason}") : "");
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
