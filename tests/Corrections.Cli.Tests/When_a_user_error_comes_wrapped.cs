using System.Reflection;
using Corrections.Editing.Data;

namespace Corrections.Cli.Tests;

public class When_a_user_error_comes_wrapped
{
    [Fact]
    public async Task Should_report_the_aggregated_error_in_one_line()
    {
        var run = await Failing.RunAsync(new AggregateException(new DataFormatException("IDX file x is truncated.")));

        Reported.AsOneErrorLine(run, mentioning: "IDX file x is truncated.");
    }

    [Fact]
    public async Task Should_report_the_invoked_error_in_one_line()
    {
        var run = await Failing.RunAsync(new TargetInvocationException(new FileNotFoundException("Could not find file 'm.ctm'.")));

        Reported.AsOneErrorLine(run, mentioning: "Could not find file 'm.ctm'.");
    }
}
