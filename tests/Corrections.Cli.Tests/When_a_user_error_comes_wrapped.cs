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

    [Fact]
    public async Task Should_report_the_database_refusing_this_login_in_one_line()
    {
        // What EF throws when least privilege says no (here: the worker's login trying to decide an approval).
        var refused = new Npgsql.PostgresException("corrections_worker may not decide a candidate awaiting approval", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.InsufficientPrivilege);
        var run = await Failing.RunAsync(new Microsoft.EntityFrameworkCore.DbUpdateException("An error occurred while saving the entity changes.", refused));

        Reported.AsOneErrorLine(run, mentioning: "may not decide a candidate awaiting approval");
    }
}
