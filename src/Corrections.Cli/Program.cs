using Corrections.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("corrections");
    config.AddCommand<TrainCommand>("train").WithDescription("Train a model (Editable Training, or --plain) and save it");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Run the editing protocols on a saved model");
});
return await app.RunAsync(args);
