using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Editing;
using Corrections.Pipeline.Chain;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// Puts a trained model file into the store and the registry as a new base (or retrain) version. The first version of a
/// model becomes production at once; a later one goes to the validation gate (a worker judges it, this command waits for
/// the verdict), unless <c>--override</c> says why it replaces production without it.
/// </summary>
public sealed class RegisterCommand : AsyncCommand<RegisterCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("-f|--file <PATH>")]
        [Description("Model file written by `corrections train`")]
        public string File { get; init; } = "";

        [CommandOption("--kind")]
        [Description("base (trained from data) or retrain (corrections folded back in)")]
        [DefaultValue("base")]
        public string Kind { get; init; } = "base";

        [CommandOption("--reason")]
        [DefaultValue("registered by operator")]
        public string Reason { get; init; } = "registered by operator";

        [CommandOption("--override <REASON>")]
        [Description("Promote without the gate, for this reason (recorded with your login in the promotion)")]
        public string? Override { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("How long to wait for the gate's verdict")]
        [DefaultValue(600)]
        public int Timeout { get; init; } = 600;
    }

    public sealed record Result(string Model, int Version, string Kind, string Sha256, long Bytes, string Location, string Status, string? Reason);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var kind = settings.Kind switch
        {
            "base" => VersionKind.Base,
            "retrain" => VersionKind.Retrain,
            _ => throw new OperatorError($"--kind is base or retrain, not '{settings.Kind}'."),
        };
        if (!System.IO.File.Exists(settings.File))
        {
            throw new OperatorError($"No model file at '{settings.File}'.");
        }
        if (settings.Override is { } given && string.IsNullOrWhiteSpace(given))
        {
            throw new OperatorError("--override needs a reason: why this version replaces production without the gate.");
        }
        await using var connection = await ServiceConnection.OpenAsync(withBus: true, cancellation);
        using var model = EditableModel.Load(settings.File);
        Registration registration;
        await using (var scope = connection.Scope())
        {
            try
            {
                registration = await scope.ServiceProvider.GetRequiredService<ModelRegistrar>()
                    .RegisterAsync(settings.Model, model, kind, connection.Operator, settings.Reason, cancellation, settings.Override);
            }
            catch (InvalidOperationException e)
            {
                throw new OperatorError(e.Message);
            }
        }
        var version = registration.Version;
        string status = "accepted";
        string? reason = null;
        if (registration.AwaitsGate)
        {
            await connection.Bus.Publish(registration.Announcement(settings.Model, DateTimeOffset.UtcNow), cancellation);
            if (!settings.Json)
            {
                AnsiConsole.MarkupLineInterpolated($"Registered [bold]{settings.Model}[/] v{version.Number} on production v{registration.GatedOnVersion}; waiting for the gate's verdict (a worker judges it)...");
            }
            (status, reason) = await VerdictAsync(connection, version, settings.Timeout, cancellation);
        }
        var result = new Result(settings.Model, version.Number, settings.Kind, version.Sha256, version.Bytes, version.StorageLocation, status, reason);
        if (settings.Json)
        {
            Output.WriteJson(result);
        }
        else
        {
            var what = $"[bold]{Markup.Escape(result.Model)}[/] v{result.Version} ({result.Kind}, {result.Bytes / 1024} KiB, sha256 {result.Sha256[..12]}…)";
            AnsiConsole.MarkupLine(status switch
            {
                "accepted" when !registration.AwaitsGate && settings.Override is not null => $"Registered {what} and pointed production at it without the gate ({Markup.Escape(settings.Override)}), as {Markup.Escape(connection.Operator)}.",
                "accepted" when !registration.AwaitsGate => $"Registered {what} and pointed production at it (its first version).",
                "accepted" => $"Registered {what}: it passed the gate and is production now.",
                "rejected" => $"Registered {what}: the gate refused it ({Markup.Escape(reason ?? "")}); production is unchanged. `--override REASON` promotes it anyway, on the record.",
                _ => $"Registered {what}: it still waits for the gate after {settings.Timeout} s (is a worker running?); `corrections versions -m {Markup.Escape(result.Model)}` shows the verdict.",
            });
        }
        return status == "rejected" ? FailureReport.UserErrorExitCode : 0;
    }

    private static async Task<(string Status, string? Reason)> VerdictAsync(ServiceConnection connection, ModelVersion version, int timeoutSeconds, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            await using var scope = connection.Scope();
            var now = await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Versions.AsNoTracking()
                .SingleAsync(v => v.Id == version.Id, cancellation);
            if (now.Status != VersionStatus.Pending)
            {
                return (now.Status.ToString().ToLowerInvariant(), now.StatusReason);
            }
            await Task.Delay(500, cancellation);
        }
        return ("pending", null);
    }
}
