using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Pipeline.Queries;
using Corrections.Registry;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// <c>export</c>: a version (or production) as one whole file, in the store's format or as safetensors for other tools;
/// the same materialisation as <c>GET /v1/models/{m}/versions/{n}/artifact</c>.
/// </summary>
public sealed class ExportCommand : AsyncCommand<ExportCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("-v|--version <N>")]
        [Description("The version (default: production)")]
        public int? Version { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("ctm or safetensors")]
        [DefaultValue("safetensors")]
        public string Format { get; init; } = "safetensors";

        [CommandOption("-o|--out <PATH>")]
        [Description("Where to write it (default: <model>-v<N>.<format> here)")]
        public string? Out { get; init; }
    }

    public sealed record Result(string Model, int Version, string Format, string Path, string Sha256);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var format = settings.Format.ToLowerInvariant() switch
        {
            "ctm" => ArtifactFormat.Ctm,
            "safetensors" => ArtifactFormat.Safetensors,
            _ => throw new OperatorError($"--format is ctm or safetensors, not '{settings.Format}'."),
        };
        await using var connection = await ServiceConnection.OpenAsync(withBus: false, cancellation);
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        if (await db.ModelRowAsync(settings.Model, cancellation) is null)
        {
            throw new OperatorError($"No model named '{settings.Model}' is registered.");
        }
        var number = settings.Version ?? await db.AliasNumberAsync(settings.Model, connection.Alias, cancellation)
            ?? throw new OperatorError($"'{settings.Model}' has no {connection.Alias} version; pass --version.");
        var artifact = await scope.ServiceProvider.GetRequiredService<Artifacts>().MaterialiseAsync(settings.Model, number, format, cancellation)
            ?? throw new OperatorError($"'{settings.Model}' has no version {number}.");
        var path = settings.Out ?? artifact.FileName;
        File.Copy(artifact.Path, path, overwrite: true);
        var result = new Result(settings.Model, number, format.ToString().ToLowerInvariant(), Path.GetFullPath(path), artifact.Sha256);
        if (settings.Json)
        {
            Output.WriteJson(result);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Wrote {result.Model} v{result.Version} to {result.Path} ({result.Format}, sha256 {result.Sha256[..12]}…).");
        }
        return 0;
    }
}
