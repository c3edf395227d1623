using Corrections.Cli.Commands;
using Corrections.Cli.Console;
using Corrections.Cli.Operations;
using Corrections.Cli.Operations.Producers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli;

/// <summary>The commands of <c>corrections</c> and how their failures read; Program runs it, the tests build the same app.</summary>
public static class CorrectionsApp
{
    /// <param name="console">Where help and errors go; the terminal when not given.</param>
    public static CommandApp Create(IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("corrections");
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }
            config.AddCommand<TrainCommand>("train").WithDescription("Train a model (Editable Training, or --plain) and save it");
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Run the editing protocols on a saved model");
            config.AddCommand<BenchmarkCommand>("benchmark").WithDescription("Train plain and editable models, run every protocol and baseline, write bench/results");
            config.AddCommand<ShiftCommand>("shift").WithDescription("Write a shifted copy of Fashion-MNIST (IDX, and an image folder) for the lifelong benchmark and the gate");
            config.AddCommand<LifelongCommand>("lifelong").WithDescription("Correct a stream of reported mistakes on a shift with each method; curves against an oracle");
            config.AddCommand<MigrateCommand>("migrate").WithDescription("Bring the registry's schema up to date, as the migrator login (services run without DDL)");
            config.AddCommand<ImportCommand>("import").WithDescription("Read a model trained elsewhere (PyTorch state_dict .pt/.pth, or safetensors; torchvision names) into a model file for train --init");
            config.AddCommand<RegisterCommand>("register").WithDescription("Register a trained model file as a new base/retrain version: its first version goes live, later ones through the gate (or --override REASON)");
            config.AddBranch("artifacts", artifacts =>
            {
                artifacts.SetDescription("The database's artifact store (Pipeline:ArtifactStore=postgres)");
                artifacts.AddCommand<ArtifactsPushCommand>("push").WithDescription("Put every registered version this host's directory holds into the database's artifact store (when moving from a shared directory)");
            });
            config.AddCommand<ExportCommand>("export").WithDescription("Write a version (default: production) as one whole file: safetensors for other tools, or the store's .ctm");
            config.AddCommand<PublishCommand>("publish").WithDescription("Publish a misclassification report (image or tensor file) to the broker");
            config.AddCommand<VersionsCommand>("versions").WithDescription("List a model's versions with gate status and figures");
            config.AddCommand<LineageCommand>("lineage").WithDescription("Trace a version back to its trained ancestor, with every report it carries");
            config.AddCommand<HistoryCommand>("history").WithDescription("Reports received, filtered by model, time and status");
            config.AddCommand<ReplayCommand>("replay").WithDescription("Publish reports for test images production gets wrong, follow them live, report latency and versions");
            config.AddCommand<SchedulesCommand>("schedules").WithDescription("The cluster's retraining schedules: last and next fire, and whether the next would train");
            config.AddCommand<RetrainCommand>("retrain").WithDescription("Fold corrections back in now (Editable Training on data + corrections), gate the result, compare");
            config.AddCommand<PromoteCommand>("promote").WithDescription("Point production at an accepted version (with a reason)");
            config.AddCommand<RollbackCommand>("rollback").WithDescription("Point production back at an older accepted version (with a reason)");
            config.AddBranch("producers", producers =>
            {
                producers.SetDescription("Who may send reports: add (prints an API key once), list, trust, revoke");
                producers.AddCommand<ProducerAddCommand>("add").WithDescription("Register a producer and print its API key (shown once)");
                producers.AddCommand<ProducerListCommand>("list").WithDescription("Every producer with trust level, quotas and key prefix");
                producers.AddCommand<ProducerTrustCommand>("trust").WithDescription("Change a producer's trust level: trusted, reviewed or untrusted");
                producers.AddCommand<ProducerRevokeCommand>("revoke").WithDescription("Refuse a producer from now on (its held reports too), with a reason");
            });
            config.AddCommand<PoisonCommand>("poison").WithDescription("Attack a model through the service with poisoned reports (patch backdoor or label flip) and measure what took hold");
            config.AddCommand<ApproveCommand>("approve").WithDescription("Let an untrusted producer's held reports go on to the editor, or a reviewed producer's candidate (-m M -v N) take production; --list shows those waiting");
            config.AddCommand<RefuseCommand>("refuse").WithDescription("Reject held reports, or a candidate awaiting approval (-m M -v N), with a reason");
            var failures = new FailureReport(console);
            config.SetInterceptor(failures);
            config.SetExceptionHandler((exception, _) => failures.Write(exception));
        });
        return app;
    }
}
