using Corrections.Editing.Tests;

namespace Corrections.Cli.Tests;

public sealed class When_a_data_file_is_truncated : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public When_a_data_file_is_truncated()
    {
        // The names FashionMnist.Load looks for, holding less than an IDX header.
        File.WriteAllBytes(_data.File("train-images-idx3-ubyte"), [0, 0, 8]);
        File.WriteAllBytes(_data.File("train-labels-idx1-ubyte"), [0, 0, 8]);
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Should_name_the_file_in_one_line()
    {
        var run = await CommandLine.RunAsync("train", "--data", $"fashion-mnist:{_data.Path}");

        Reported.AsOneErrorLine(run, mentioning: "train-images-idx3-ubyte is truncated");
    }

    [Fact]
    public async Task Should_show_the_stack_with_verbose()
    {
        var run = await CommandLine.RunAsync("train", "--verbose", "--data", $"fashion-mnist:{_data.Path}");

        Reported.WithStackTrace(run);
    }
}
