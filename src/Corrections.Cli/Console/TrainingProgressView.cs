using Corrections.Editing.Training;
using Spectre.Console;

namespace Corrections.Cli.Console;

/// <summary>
/// Shows training progress: a live bar with ETA and running figures on a terminal, one line per few seconds on
/// stderr otherwise (CI logs, --json runs), so stdout stays clean for machine-readable output.
/// </summary>
public static class TrainingProgressView
{
    public static void Run(string title, bool quiet, Action<IProgress<TrainingProgress>> train)
    {
        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var last = DateTime.MinValue;
            train(new SynchronousProgress<TrainingProgress>(p =>
            {
                if (DateTime.UtcNow - last < TimeSpan.FromSeconds(5) && p.Step != p.StepsPerEpoch)
                {
                    return;
                }
                last = DateTime.UtcNow;
                System.Console.Error.WriteLine($"[{title}] {Describe(p)}");
            }));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                var epoch = 0;
                train(new SynchronousProgress<TrainingProgress>(p =>
                {
                    if (task is null || p.Epoch != epoch)
                    {
                        task?.StopTask();
                        epoch = p.Epoch;
                        task = context.AddTask(title, maxValue: p.StepsPerEpoch);
                    }
                    task.Value = p.Step;
                    task.Description = Markup.Escape($"{title} {Describe(p)}");
                }));
            });
    }

    private static string Describe(TrainingProgress p) =>
        $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch}  task {p.TaskLoss:F3}"
        + (p.Editability > 0 || p.Stability > 0 ? $"  edit {p.Editability:F3}  stab {p.Stability:F4}  ok {p.EditSuccessRate:P0}  steps {p.MeanEditSteps:F1}" : "")
        + $"  {p.ImagesPerSecond:F0} img/s";
}
