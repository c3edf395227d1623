using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Models;

public class When_a_resnet_is_edited_at_layer3
{
    [Fact]
    public void Should_name_parameters_as_torchvision_and_cut_below_layer3()
    {
        var architecture = Architectures.ResNet18Cifar();
        var subset = EditableSubset.Parse(architecture, "layer3");

        Assert.Contains(architecture.Parameters, p => p.Name == "layer3.0.conv1.weight");
        Assert.Contains(architecture.Parameters, p => p.Name == "layer3.0.shortcut.0.weight");
        Assert.All(subset.ParameterIndices, i => Assert.StartsWith("layer3.", architecture.Parameters[i].Name));
        Assert.Equal(3, subset.FirstStage);
        Assert.Equal(new long[] { 128, 16, 16 }, architecture.ActivationShape(subset.FirstStage));
        Assert.InRange(architecture.ParameterCount, 11_000_000, 11_300_000);
    }

    [Fact]
    public void Should_edit_from_cached_features_without_touching_batchnorm_statistics()
    {
        using var model = EditableModel.Create(Architectures.ResNet18Cifar(), Normalization.Cifar10, "layer3",
            new EditorOptions { LearningRate = 0.05, MaxSteps = 30 }, seed: 2);
        using var generator = new Generator(3);
        using var image = rand([1, 3, 32, 32], generator: generator);
        var statistics = model.Network.Buffers.Select(b => b.data<float>().ToArray()).ToList();
        using var features = model.Features(image);
        using var before = model.LogitsFromFeatures(features);

        using var edit = model.Edit(image, tensor(new[] { (before.argmax(1).item<long>() + 1) % 10 }), features);

        Assert.True(edit.Success);
        Assert.Equal(statistics, model.Network.Buffers.Select(b => b.data<float>().ToArray()).ToList());
        using var direct = model.Network.Logits(model.Preprocess(image), parameters: model.WithEdit(edit));
        using var fromFeatures = model.LogitsFromFeatures(features, edit);
        Assert.True(direct.allclose(fromFeatures, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Should_reject_an_unknown_subset_with_the_stage_names()
    {
        var error = Assert.Throws<ArgumentException>(() => EditableSubset.Parse(Architectures.ResNet18Cifar(), "layer9"));

        Assert.Contains("layer3", error.Message);
    }
}
