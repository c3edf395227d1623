using System.ComponentModel;
using System.Globalization;
using Corrections.Cli.Console;
using Corrections.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// Sends one misclassification report to the broker, as a monitoring system would. Checks happen where they count, in
/// the worker's ingest; the outcome shows up in `corrections history`.
/// </summary>
public sealed class PublishCommand : AsyncCommand<PublishCommand.Settings>
{
    public sealed class Settings : ProducerSettings
    {
        [CommandOption("--image <PATH>")]
        [Description("PNG or JPEG of the misclassified input")]
        public string? Image { get; init; }

        [CommandOption("--tensor <PATH>")]
        [Description("Raw float32 little-endian values from 0 to 1 (with --shape)")]
        public string? Tensor { get; init; }

        [CommandOption("--shape <DIMS>")]
        [Description("Shape of --tensor, e.g. 1,28,28")]
        public string? Shape { get; init; }

        [CommandOption("--label <N>")]
        [Description("The correct label")]
        public int Label { get; init; } = -1;

        [CommandOption("--predicted <N>")]
        [Description("The label the model gave")]
        public int Predicted { get; init; } = -1;

        [CommandOption("--observed-version <N>")]
        public int? ObservedVersion { get; init; }

        [CommandOption("--source <NAME>")]
        [DefaultValue("cli")]
        public string Source { get; init; } = "cli";

        [CommandOption("--id <GUID>")]
        [Description("Report id (the idempotency key); default: a new one")]
        public Guid? Id { get; init; }
    }

    public sealed record Result(Guid ReportId, string Model, string? Producer, int PredictedLabel, int CorrectLabel, string Input);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var input = Input(settings);
        var report = new MisclassificationReported
        {
            ReportId = settings.Id ?? Guid.NewGuid(),
            Model = settings.Model,
            ObservedVersion = settings.ObservedVersion,
            Input = input,
            PredictedLabel = settings.Predicted,
            CorrectLabel = settings.Label,
            Source = settings.Source,
            ObservedAt = DateTimeOffset.UtcNow,
        };
        await using var connection = await ServiceConnection.OpenAsync(withBus: true, cancellation, asProducer: true, producer: settings.Producer);
        await connection.Bus.Publish(report, cancellation);
        var result = new Result(report.ReportId, report.Model, connection.Producer, report.PredictedLabel, report.CorrectLabel, settings.Image ?? settings.Tensor!);
        if (settings.Json)
        {
            Output.WriteJson(result);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Published report [bold]{result.ReportId}[/] for {result.Model} as {result.Producer}: {result.PredictedLabel} → {result.CorrectLabel}. Follow it with `corrections history -m {result.Model}`.");
        }
        return 0;
    }

    private static ReportedInput Input(Settings settings)
    {
        switch (settings.Image, settings.Tensor)
        {
            case (not null, null):
                return new ReportedInput { EncodedImage = File.ReadAllBytes(Existing(settings.Image)) };
            case (null, not null):
                var shape = settings.Shape?.Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray()
                    ?? throw new OperatorError("--tensor needs --shape, e.g. --shape 1,28,28.");
                return new ReportedInput { Shape = shape, Tensor = File.ReadAllBytes(Existing(settings.Tensor)) };
            default:
                throw new OperatorError("Give exactly one of --image and --tensor.");
        }
    }

    private static string Existing(string path) => File.Exists(path) ? path : throw new OperatorError($"No file at '{path}'.");
}
