namespace Corrections.Cli.Tests;

public class When_an_option_value_is_wrong
{
    [Fact]
    public async Task Should_say_which_in_one_line()
    {
        var run = await CommandLine.RunAsync("train", "--data", "mnist");

        Reported.AsOneErrorLine(run, mentioning: "Unknown data set 'mnist'");
    }

    [Fact]
    public async Task Should_say_which_in_one_line_when_it_does_not_parse()
    {
        var run = await CommandLine.RunAsync("train", "--epochs", "many");

        Reported.AsOneErrorLine(run, mentioning: "many");
    }
}
