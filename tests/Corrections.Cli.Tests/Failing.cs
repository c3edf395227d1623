using Spectre.Console.Cli;

namespace Corrections.Cli.Tests;

/// <summary>Runs a command, added to the real app, that throws what the test gives it, as a failing command would.</summary>
public static class Failing
{
    public static Task<CommandLine> RunAsync(Exception exception, params string[] args) => CommandLine.RunAsync(
        config => config.AddDelegate<EmptyCommandSettings>("fail", (_, _, _) => throw exception),
        ["fail", .. args]);
}
