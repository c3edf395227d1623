using System.ComponentModel;
using Corrections.Cli.Benchmarks;
using Corrections.Cli.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

public sealed class BenchmarkCommand : Command<BenchmarkCommand.Settings>
{
    public sealed class Settings : TrainSettings
    {
        [CommandOption("--edits")]
        [Description("Edits of the paper and natural protocols")]
        [DefaultValue(1000)]
        public int Edits { get; init; } = 1000;

        [CommandOption("--sequential-edits")]
        [DefaultValue(200)]
        public int SequentialEdits { get; init; } = 200;

        [CommandOption("--generalization-edits")]
        [DefaultValue(200)]
        public int GeneralizationEdits { get; init; } = 200;

        [CommandOption("--memory-edits")]
        [Description("Consecutive edits of the memory check")]
        [DefaultValue(10000)]
        public int MemoryEdits { get; init; } = 10000;

        [CommandOption("--retrain-epochs")]
        [DefaultValue(1)]
        public int RetrainEpochs { get; init; } = 1;

        [CommandOption("--plain-lr-sweep")]
        [Description("Editor learning rates tried on the plain model; the best at 100 % success edits it in every protocol")]
        [DefaultValue("0.1,0.03,0.01,0.003,0.001,0.0003,0.0001")]
        public string PlainLearningRates { get; init; } = "0.1,0.03,0.01,0.003,0.001,0.0003,0.0001";

        [CommandOption("--sweep-edits")]
        [Description("Paper-protocol edits per swept learning rate (other inputs than the reported protocols')")]
        [DefaultValue(200)]
        public int SweepEdits { get; init; } = 200;

        [CommandOption("--plain-max-steps")]
        [Description("The plain editor's step limit in the sweep and after it: a small learning rate needs more steps")]
        [DefaultValue(100)]
        public int PlainMaxSteps { get; init; } = 100;

        [CommandOption("--editable-from-plain")]
        [Description("Make the editable model by Editable Training for this many of the --epochs, from the plain model trained for the rest (the paper's editable fine-tuning; equal epochs still); 0: Editable Training from scratch")]
        [DefaultValue(0)]
        public int EditableFromPlain { get; init; }

        [CommandOption("--no-ablation")]
        public bool NoAblation { get; init; }

        [CommandOption("--out")]
        [Description("Folder for <date>-editability.{json,md} and the PNG plots")]
        [DefaultValue("bench/results")]
        public string Out { get; init; } = "bench/results";

        public bool Ablation => !NoAblation;

        public override ValidationResult Validate() =>
            EditableFromPlain < 0 || EditableFromPlain > Epochs
                ? ValidationResult.Error($"--editable-from-plain lies in [0, --epochs ({Epochs})].")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var work = Path.Combine(".corrections", "benchmark");
        Directory.CreateDirectory(work);
        var report = new EditabilityBenchmark(settings, work).Run(cancellation);
        var files = ReportWriter.Write(report, settings.Out);
        if (settings.Json)
        {
            Output.WriteJson(report);
            return 0;
        }
        AnsiConsole.Write(ResultsTable.Create(report.Rows));
        foreach (var file in files)
        {
            AnsiConsole.MarkupLineInterpolated($"wrote [bold]{file}[/]");
        }
        return 0;
    }
}
