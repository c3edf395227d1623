using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Console;

/// <summary>
/// How a failed command reads: a mistake the user can fix (<see cref="UserErrors"/>) as one line, with its stack only
/// under <c>--verbose</c>; a bug always with Spectre's full report.
/// </summary>
public sealed class FailureReport(IAnsiConsole? console) : ICommandInterceptor
{
    public const int UserErrorExitCode = 2;
    public const int BugExitCode = 1;

    private bool _verbose;

    // Spectre calls this once the command line has parsed: a failure before then is a parse error, one line anyway.
    public void Intercept(CommandContext context, CommandSettings settings) => _verbose = settings is CorrectionsSettings { Verbose: true };

    public int Write(Exception exception)
    {
        // Resolved only now: Program widens the terminal's profile before the app runs.
        var output = console ?? AnsiConsole.Console;
        var cause = UserErrors.Unwrap(exception);
        if (!UserErrors.Is(cause))
        {
            output.WriteException(exception);
            return BugExitCode;
        }
        if (_verbose)
        {
            output.WriteException(exception);
        }
        else
        {
            output.MarkupLineInterpolated($"[red]error:[/] {UserErrors.Message(cause)}");
        }
        return UserErrorExitCode;
    }
}
