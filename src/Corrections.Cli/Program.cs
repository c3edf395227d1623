using Corrections.Cli.Commands;
using Spectre.Console.Cli;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("corrections");
    config.AddCommand<TrainCommand>("train").WithDescription("Train a model (Editable Training, or --plain) and save it");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Run the editing protocols on a saved model");
    config.AddCommand<BenchmarkCommand>("benchmark").WithDescription("Train plain and editable models, run every protocol and baseline, write bench/results");
});
return await app.RunAsync(args);
