using Corrections.Editing.Tests;

namespace Corrections.Cli.Tests;

public class When_the_model_file_is_missing
{
    [Fact]
    public async Task Should_say_so_in_one_line()
    {
        using var folder = new TemporaryDirectory();
        var model = folder.File("model.ctm");

        var run = await CommandLine.RunAsync("evaluate", "-m", model);

        Reported.AsOneErrorLine(run, mentioning: model);
    }

    [Fact]
    public async Task Should_say_so_in_one_line_when_its_folder_is_missing_too()
    {
        var run = await CommandLine.RunAsync("evaluate", "-m", "/nonexistent/model.ctm");

        Reported.AsOneErrorLine(run, mentioning: "/nonexistent/model.ctm");
    }
}
