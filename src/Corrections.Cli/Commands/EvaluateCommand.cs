using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Editing;
using Corrections.Editing.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : ComputeSettings
    {
        [CommandOption("-m|--model")]
        [Description("Model file written by `corrections train`")]
        public string Model { get; init; } = ".corrections/models/model.ctm";

        [CommandOption("--data")]
        [DefaultValue("fashion-mnist")]
        public string Data { get; init; } = "fashion-mnist";

        [CommandOption("-p|--protocol")]
        [Description("paper, natural, sequential, generalization, or all")]
        [DefaultValue("paper")]
        public string Protocol { get; init; } = "paper";

        [CommandOption("--edits")]
        [DefaultValue(1000)]
        public int Edits { get; init; } = 1000;

        [CommandOption("--eval-subset")]
        [Description("Paper protocol: measure drawdown on the first N test images (default: all)")]
        public int? EvalSubset { get; init; }

        [CommandOption("--seed")]
        [DefaultValue(0L)]
        public long Seed { get; init; }

        [CommandOption("--max-steps")]
        [Description("Override the model's editor step limit")]
        public int? MaxSteps { get; init; }

        [CommandOption("--editor-lr-sweep <RATES>")]
        [Description("Tune the editor's learning rate first (e.g. 0.1,0.01,0.001,0.0003): the paper protocol on 200 edits of their own at each, the lowest drawdown at 100 % success wins; for a plain model, whose rate nothing learned")]
        public string? EditorLearningRateSweep { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var model = EditableModel.Load(settings.Model, settings.Compute.Device);
        if (settings.MaxSteps is int steps)
        {
            model.Editor.LimitSteps(steps);
        }
        using var test = DataSources.Load(settings.Data, DatasetSplit.Test);
        var name = Path.GetFileNameWithoutExtension(settings.Model);
        if (settings.EditorLearningRateSweep is { } rates)
        {
            // The same sweep as the benchmark's plain editor, with its step limit: a small rate needs more steps.
            var maxSteps = settings.MaxSteps ?? 100;
            var sweep = Benchmarks.PlainEditorSweep.Run(model, test, [.. rates.Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture))],
                edits: 200, maxSteps, settings.Seed + 7);
            model.Editor.SetLearningRate(sweep.Best.LearningRate);
            model.Editor.LimitSteps(maxSteps);
            name = $"{name} (editor lr {sweep.Best.LearningRate:G3}, tuned)";
            if (!settings.Json)
            {
                AnsiConsole.MarkupLineInterpolated($"Editor learning rate sweep: {string.Join(", ", sweep.Rows.Select(r => $"{r.LearningRate:G3} → {r.DrawdownPp:F2} pp at {r.SuccessRate:F0} %"))}; using {sweep.Best.LearningRate:G3}.");
            }
        }
        var protocols = settings.Protocol == "all" ? ProtocolRunner.All : settings.Protocol.Split(',');
        var rows = ProtocolRunner.Run(name, model, test, protocols, settings.Edits, settings.EvalSubset, settings.Seed).ToList();
        if (settings.Json)
        {
            Output.WriteJson(new { rows });
            return 0;
        }
        AnsiConsole.Write(ResultsTable.Create(rows));
        return 0;
    }
}
