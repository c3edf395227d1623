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

    [Fact]
    public async Task Should_say_the_gpu_asked_for_is_missing_in_one_line()
    {
        var run = await CommandLine.RunAsync("train", "--device", "cuda");

        Reported.AsOneErrorLine(run, mentioning: "libtorch sees no CUDA device");
    }

    [Fact]
    public async Task Should_keep_half_the_shifted_split_for_the_stream()
    {
        var run = await CommandLine.RunAsync("lifelong", "--shift", "fog", "--shift-validation", "1000", "--traffic", "29500");

        Reported.AsOneErrorLine(run, mentioning: "--traffic");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("0.5,never")]
    public async Task Should_take_interpolation_shares_in_the_unit_interval_or_none(string shares)
    {
        var run = await CommandLine.RunAsync("lifelong", "--shift", "fog", "--interpolation-shares", shares);

        Reported.AsOneErrorLine(run, mentioning: "or none");
    }

    [Fact]
    public async Task Should_ask_for_the_model_of_a_candidate_to_approve()
    {
        var run = await CommandLine.RunAsync("approve", "-v", "7");

        Reported.AsOneErrorLine(run, mentioning: "--version needs --model");
    }

    [Fact]
    public async Task Should_refuse_to_mix_a_candidate_with_held_reports()
    {
        var run = await CommandLine.RunAsync("refuse", "-m", "m", "-v", "7", "--producer", "p", "--reason", "no");

        Reported.AsOneErrorLine(run, mentioning: "--version names a candidate");
    }

    [Fact]
    public async Task Should_name_the_formats_a_version_can_be_exported_in()
    {
        var run = await CommandLine.RunAsync("export", "-m", "m", "--format", "onnx");

        Reported.AsOneErrorLine(run, mentioning: "--format is ctm or safetensors, not 'onnx'");
    }
}
