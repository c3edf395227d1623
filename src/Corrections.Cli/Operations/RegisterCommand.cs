using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Editing;
using Corrections.Pipeline.Chain;
using Corrections.Registry.Entities;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>Puts a trained model file into the store and the registry as a new base (or retrain) version, and promotes it.</summary>
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
    }

    public sealed record Result(string Model, int Version, string Kind, string Sha256, long Bytes, string Location);

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
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        using var model = EditableModel.Load(settings.File);
        await using var scope = connection.Scope();
        var version = await scope.ServiceProvider.GetRequiredService<ModelRegistrar>()
            .RegisterAsync(settings.Model, model, kind, connection.Operator, settings.Reason, cancellation);
        var result = new Result(settings.Model, version.Number, settings.Kind, version.Sha256, version.Bytes, version.StorageLocation);
        if (settings.Json)
        {
            Output.WriteJson(result);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Registered [bold]{result.Model}[/] v{result.Version} ({result.Kind}, {result.Bytes / 1024} KiB, sha256 {result.Sha256[..12]}…) and pointed production at it.");
        }
        return 0;
    }
}
