using Corrections.Editing;
using Spectre.Console.Cli;
using Spectre.Console.Testing;

namespace Corrections.Cli.Tests;

/// <summary>One run of <c>corrections</c> in this process, on a recording console: its exit code and all it wrote.</summary>
public sealed record CommandLine(int ExitCode, string Output)
{
    /// <summary>The non-blank lines of the output.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0).ToList();

    public static Task<CommandLine> RunAsync(params string[] args) => RunAsync(_ => { }, args);

    /// <param name="configure">Added to the app as Program builds it, e.g. a command that fails on purpose.</param>
    /// <param name="args">The command line.</param>
    public static async Task<CommandLine> RunAsync(Action<IConfigurator> configure, params string[] args)
    {
        // As in Program: a failing command may already have loaded libtorch.
        NativeRuntime.Prepare();
        // Wide enough that neither help nor XML is ever wrapped, so what is asserted is what a terminal shows.
        var console = new TestConsole().Width(1000);
        var app = CorrectionsApp.Create(console);
        app.Configure(configure);
        var exitCode = await app.RunAsync(args);
        return new CommandLine(exitCode, console.Output);
    }
}
