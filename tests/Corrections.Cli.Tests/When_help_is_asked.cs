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
        // A branch's commands ("producers add") are listed at the root under the branch's name.
        Assert.All(RegisteredCommands.All.Select(command => command.Name.Split(' ')[0]).Distinct(), name =>
            Assert.Matches(new Regex($@"^\s+{Regex.Escape(name)}\s", RegexOptions.Multiline), help.Output));
    }

    [Fact]
    public async Task Should_list_a_branchs_commands_under_it()
    {
        var help = await CommandLine.RunAsync("producers", "--help");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.All(RegisteredCommands.All.Where(c => c.Name.StartsWith("producers ", StringComparison.Ordinal)), command =>
            Assert.Matches(new Regex($@"^\s+{Regex.Escape(command.Name.Split(' ')[1])}\s", RegexOptions.Multiline), help.Output));
        Assert.Contains(RegisteredCommands.All, c => c.Name == "producers revoke");
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
