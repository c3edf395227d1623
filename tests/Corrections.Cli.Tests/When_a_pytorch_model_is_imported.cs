using System.Text.Json;
using Corrections.Editing;
using Corrections.Editing.Persistence;
using Corrections.Editing.Tests;
using static TorchSharp.torch;

namespace Corrections.Cli.Tests;

/// <summary>
/// Models from PyTorch: files that PyTorch 1.13 (Debian's python3-torch) itself wrote, in Fixtures/
/// (scripts/pytorch/make_test_fixtures.py), not files this project wrote and reads back.
/// </summary>
public sealed class When_a_pytorch_model_is_imported : IDisposable
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Should_compute_the_logits_pytorch_computed_for_its_small_cnn()
    {
        var output = _directory.File("imported.ctm");

        var run = await CommandLine.RunAsync("import", Fixture("small-cnn.pt"), "-o", output);

        Assert.Equal(0, run.ExitCode);
        using var reference = JsonDocument.Parse(await File.ReadAllTextAsync(Fixture("small-cnn-logits.json")));
        var pixels = reference.RootElement.GetProperty("inputs").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expected = reference.RootElement.GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        using var model = EditableModel.Load(output);
        using var inputs = tensor(pixels, [expected.Length, 1, 28, 28]);
        using var logits = model.Logits(inputs);
        var actual = logits.data<float>().ToArray();
        var worst = expected.SelectMany(row => row).Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst < 1e-4, $"largest difference from PyTorch's logits: {worst}");
        // The logits differ between the inputs, so agreeing is not agreeing on a constant.
        Assert.NotEqual(expected[0].ToList().IndexOf(expected[0].Max()) + expected[0].Max(), expected[1].ToList().IndexOf(expected[1].Max()) + expected[1].Max());
    }

    [Fact]
    public async Task Should_take_torchvision_resnet18_names_as_they_are()
    {
        var file = _directory.File("resnet18.safetensors");
        WriteTorchvisionResNet(file, change: null);

        var run = await CommandLine.RunAsync("import", file);

        Assert.Equal(0, run.ExitCode);
        // Told by the names (no --architecture), with the paper's editable layer and CIFAR-10's standardisation.
        using var model = EditableModel.Load(Path.ChangeExtension(file, ".ctm"));
        Assert.Equal(("resnet18-cifar", 10, "layer3"), (model.Architecture.Name, model.Architecture.ClassCount, model.Subset.Spec));
        Assert.Equal(Editing.Data.Normalization.Cifar10.Mean, model.Normalization.Mean);
    }

    [Theory]
    [InlineData("drop:layer3.1.bn2.running_var", "missing layer3.1.bn2.running_var")]
    [InlineData("rename:fc.bias=fc.offset", "unexpected fc.offset")]
    [InlineData("shape:conv1.weight=64 3 7 7", "conv1.weight is [64, 3, 7, 7]; resnet18-cifar with 10 classes needs [64, 3, 3, 3]")]
    public async Task Should_refuse_a_state_dict_of_another_shape_by_name(string change, string reported)
    {
        var file = _directory.File("resnet18.safetensors");
        WriteTorchvisionResNet(file, change);

        var run = await CommandLine.RunAsync("import", file);

        Reported.AsOneErrorLine(run, mentioning: reported);
        Assert.False(File.Exists(Path.ChangeExtension(file, ".ctm")));
    }

    [Fact]
    public async Task Should_refuse_a_file_that_is_not_torch_saves_in_one_line()
    {
        var file = _directory.File("notes.pt");
        await File.WriteAllTextAsync(file, "not a zip archive");

        var run = await CommandLine.RunAsync("import", file);

        Reported.AsOneErrorLine(run, mentioning: "is not a torch.save file");
    }

    /// <summary>torchvision's names, dtypes and shapes (Fixtures/resnet18-torchvision.txt), as zeros, with one change.</summary>
    private static void WriteTorchvisionResNet(string path, string? change)
    {
        var (kind, argument) = change?.Split(':', 2) is [var k, var a] ? (k, a) : ("", "");
        var tensors = new List<(string, Tensor)>();
        foreach (var line in File.ReadLines(Fixture("resnet18-torchvision.txt")).Where(l => !l.StartsWith('#')))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (name, dtype) = (fields[0], fields[1] == "int64" ? ScalarType.Int64 : ScalarType.Float32);
            long[] shape = [.. fields.Skip(2).Select(long.Parse)];
            if (kind == "drop" && name == argument)
            {
                continue;
            }
            if (kind == "rename" && argument.Split('=') is [var from, var to] && name == from)
            {
                name = to;
            }
            if (kind == "shape" && argument.Split('=') is [var target, var dims] && name == target)
            {
                shape = [.. dims.Split(' ').Select(long.Parse)];
            }
            tensors.Add((name, zeros(shape, dtype)));
        }
        SafeTensors.Write(path, tensors, new Dictionary<string, string>());
        tensors.ForEach(t => t.Item2.Dispose());
    }
}
