using System.Text.RegularExpressions;

namespace Corrections.Cli.Tests;

public class When_help_is_asked
{
    public static TheoryData<string, string[]> Commands()
    {
        var data = new TheoryData<string, string[]>();
        foreach (var (name, options) in RegisteredCommands.All)
        {
            data.Add(name, options);
        }
        return data;
    }

    [Fact]
    public async Task Should_list_every_command_at_the_root()
    {
        var help = await CommandLine.RunAsync("--help");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains(RegisteredCommands.All, command => command.Name == "train");
        Assert.All(RegisteredCommands.All, command =>
            Assert.Matches(new Regex($@"^\s+{Regex.Escape(command.Name)}\s", RegexOptions.Multiline), help.Output));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Should_show_a_command_with_its_options(string command, string[] options)
    {
        var help = await CommandLine.RunAsync([.. command.Split(' '), "--help"]);

        // Descriptions are Spectre markup: a stray [..] throws while help renders, and the exit code says so.
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.All(options, option =>
            // Whole names only: --max-steps must not pass for --max-steps-per-epoch.
            Assert.Matches(new Regex($@"(?<![\w-]){Regex.Escape(option)}(?![\w-])"), help.Output));
    }
}
