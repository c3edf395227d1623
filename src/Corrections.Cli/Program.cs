using Corrections.Cli.Commands;
using Spectre.Console.Cli;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

// Redirected output (CI logs, `| tee`) would otherwise be wrapped at 80 columns, which tables do not survive.
if (!Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive)
{
    Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 140);
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("corrections");
    config.AddCommand<TrainCommand>("train").WithDescription("Train a model (Editable Training, or --plain) and save it");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Run the editing protocols on a saved model");
    config.AddCommand<BenchmarkCommand>("benchmark").WithDescription("Train plain and editable models, run every protocol and baseline, write bench/results");
});
return await app.RunAsync(args);
