namespace Corrections.Cli.Tests;

public class When_the_data_is_missing
{
    private const string Missing = "/nonexistent/fashion-mnist";

    [Fact]
    public async Task Should_say_so_in_one_line()
    {
        var run = await CommandLine.RunAsync("train", "--data", $"fashion-mnist:{Missing}");

        Reported.AsOneErrorLine(run, mentioning: Missing);
    }

    [Fact]
    public async Task Should_show_the_stack_with_verbose()
    {
        var run = await CommandLine.RunAsync("train", "--data", $"fashion-mnist:{Missing}", "--verbose");

        Reported.WithStackTrace(run);
        Assert.Contains(Missing, run.Output);
    }
}
