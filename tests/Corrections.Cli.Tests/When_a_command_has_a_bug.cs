using Npgsql;

namespace Corrections.Cli.Tests;

public class When_a_command_has_a_bug
{
    private static readonly Dictionary<string, Func<Exception>> s_bugs = new()
    {
        ["null reference"] = () => new NullReferenceException(),
        ["invalid operation"] = () => new InvalidOperationException("Opened without the bus."),
        ["guard clause"] = () => new ArgumentException("Expected a batch [N, C, H, W].", "batch"),
        ["null argument"] = () => new ArgumentNullException("model"),
        ["index out of range"] = () => new ArgumentOutOfRangeException("index"),
        ["bad SQL"] = () => new PostgresException("relation \"x\" does not exist", "ERROR", "ERROR", PostgresErrorCodes.UndefinedTable),
    };

    [Theory]
    [InlineData("null reference")]
    [InlineData("invalid operation")]
    [InlineData("guard clause")]
    [InlineData("null argument")]
    [InlineData("index out of range")]
    [InlineData("bad SQL")]
    public async Task Should_keep_the_full_report(string bug)
    {
        var run = await Failing.RunAsync(s_bugs[bug]());

        Reported.WithStackTrace(run);
    }
}
