using System.ComponentModel;
using System.Diagnostics;
using Corrections.Cli.Console;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Models;
using Corrections.Editing.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : TrainSettings
    {
        [CommandOption("-o|--out")]
        [Description("Where to write the model file")]
        [DefaultValue(".corrections/models/model.ctm")]
        public string Out { get; init; } = ".corrections/models/model.ctm";

        [CommandOption("--checkpoint")]
        [Description("Checkpoint file: written after each epoch, resumed from when present")]
        public string? Checkpoint { get; init; }
    }

    public sealed record Result(string Model, string Kind, string Subset, int Epochs, double TestErrorPct, double TrainSeconds, double ImagesPerSecond, double EditorLearningRate);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var train = DataSources.Load(settings.Data, DatasetSplit.Train, settings.TrainLimit);
        using var test = DataSources.Load(settings.Data, DatasetSplit.Test);
        var result = Train(settings, train, test, settings.Out, settings.Checkpoint, cancellation);
        if (settings.Json)
        {
            Output.WriteJson(result);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("model", "kind", "subset", "epochs", "test error", "train time", "img/s", "editor lr");
        table.AddRow(Path.GetFileName(result.Model), result.Kind, result.Subset, $"{result.Epochs}", $"{result.TestErrorPct:F2} %", $"{result.TrainSeconds:F0} s", $"{result.ImagesPerSecond:F0}", $"{result.EditorLearningRate:G3}");
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>A fresh network, or the weights of <c>--init</c> with this run's subset and editor.</summary>
    private static EditableModel Initial(TrainSettings settings, LabeledImages train)
    {
        var normalization = DataSources.NormalizationFor(settings.Data);
        if (settings.Init is null)
        {
            var architecture = Architectures.ByName(settings.ArchitectureName, train.ClassCount);
            return EditableModel.Create(architecture, normalization, settings.SubsetOrDefault, settings.EditorOptions, settings.Seed, settings.Compute.Device);
        }
        using var start = EditableModel.Load(settings.Init, settings.Compute.Device);
        var subset = EditableSubset.Parse(start.Architecture, settings.Subset ?? Architectures.DefaultEditableSubset(start.Architecture.Name));
        return EditableModel.Create(start.Network.Clone(), start.Normalization, subset, settings.EditorOptions);
    }

    private static EditTargets Targets(TrainSettings settings, LabeledImages train)
    {
        if (settings.Targets == "uniform")
        {
            return new UniformEditTargets();
        }
        var reference = settings.Reference ?? settings.Init;
        if (settings.Targets != "natural" || reference is null)
        {
            throw new ArgumentException("--targets is uniform, or natural with --reference (or --init) naming a pretrained model.");
        }
        using var model = EditableModel.Load(reference);
        using var sample = train.Take(Math.Min(train.Count, 10000));
        return NaturalEditTargets.FromReference(model.Network, sample, model.Preprocess);
    }

    public static Result Train(TrainSettings settings, LabeledImages train, LabeledImages test, string output, string? checkpoint, CancellationToken cancellation)
    {
        using var model = Initial(settings, train);
        var trainer = new EditableTrainer(settings.TrainingOptions, Targets(settings, train));
        var kind = settings.Plain ? "plain" : "editable";
        var clock = Stopwatch.StartNew();
        TrainingProgressView.Run(kind, settings.Json, progress => trainer.Train(model, train, progress, checkpoint, cancellation));
        var seconds = clock.Elapsed.TotalSeconds;
        var steps = Math.Min(train.Count / settings.BatchSize, settings.MaxStepsPerEpoch ?? int.MaxValue);
        var error = Editing.Evaluation.Metrics.ErrorRate(model, test) * 100;
        model.Save(output, new Dictionary<string, string> { ["kind"] = kind, ["data"] = settings.Data });
        return new Result(output, kind, model.Subset.Spec, settings.Epochs, error, seconds, (double)steps * settings.BatchSize * settings.Epochs / seconds, model.Editor.Current.LearningRate);
    }
}
