using System.Text.RegularExpressions;

namespace Corrections.Cli.Tests;

/// <summary>How a failed run must read: a user's mistake as one line, a bug (or --verbose) with its stack.</summary>
public static partial class Reported
{
    public static void AsOneErrorLine(CommandLine run, string mentioning)
    {
        Assert.True(run.ExitCode != 0, run.Output);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(mentioning, line);
    }

    public static void WithStackTrace(CommandLine run)
    {
        Assert.True(run.ExitCode != 0, run.Output);
        Assert.Matches(StackFrame(), run.Output);
    }

    [GeneratedRegex(@"^\s+at\s", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
