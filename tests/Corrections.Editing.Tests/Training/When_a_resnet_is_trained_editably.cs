using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Training;

/// <summary>
/// The paper's setting on the paper's code path: ResNet-18 (CIFAR form, here 4 channels wide for speed) from a fresh
/// initialisation, Editable Training with layer3 editable, random crop and flip, Adam.
/// </summary>
public class When_a_resnet_is_trained_editably
{
    private static readonly EditorOptions Editor = new() { LearningRate = 0.1, MaxSteps = 3 };

    [Fact]
    public void Should_train_every_parameter_batchnorm_included_and_learn_the_editors_rate()
    {
        using var data = GeneratedCifar.Images(64, seed: 1, noise: 0.4);
        using var model = EditableModel.Create(Architectures.ResNet18Cifar(10, width: 4), Normalization.Cifar10, "layer3", Editor, seed: 3);
        var before = model.NamedTensors().Where(t => !t.Name.StartsWith("editor.", StringComparison.Ordinal)).ToDictionary(t => t.Name, t => t.Tensor.clone());
        var rate = model.Editor.Current.LearningRate;
        var options = new EditableTrainingOptions
        {
            Epochs = 1,
            BatchSize = 16,
            LearningRate = 1e-3,
            Editable = true,
            CropPadding = 4,
            HorizontalFlip = true,
            Seed = 5,
        };

        new EditableTrainer(options, new UniformEditTargets()).Train(model, data);

        var unchanged = model.Architecture.Parameters.Select((spec, i) => (spec.Name, Tensor: model.Network.Parameters[i]))
            .Where(p => p.Tensor.eq(before[p.Name]).all().item<bool>()).Select(p => p.Name).ToList();
        Assert.Empty(unchanged);
        Assert.Contains("layer3.0.bn1.weight", model.Architecture.Parameters.Select(p => p.Name));
        Assert.NotEqual(rate, model.Editor.Current.LearningRate);
        foreach (var tensor in before.Values)
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void Should_name_a_parameter_outside_the_graph_instead_of_aborting_in_libtorch()
    {
        using var data = GeneratedCifar.Images(4, seed: 2, noise: 0.4);
        using var model = EditableModel.Create(Architectures.ResNet18Cifar(10, width: 4), Normalization.Cifar10, "layer3", Editor, seed: 3);
        var index = model.Architecture.Parameters.ToList().FindIndex(p => p.Name == "layer3.0.bn1.weight");
        model.Network.Parameters[index].requires_grad_(false);
        using var features = Corrections.Editing.Editors.Editor.Below(model.Network, model.Subset, model.Preprocess(data.Images));
        using var wrong = (data.Labels + 1).remainder(10);

        var refused = Assert.Throws<InvalidOperationException>(() => model.Editor.EditInGraph(model.Network, model.Subset, features, wrong));

        Assert.Contains("layer3.0.bn1.weight does not require grad", refused.Message);
    }

    [Fact]
    public void Should_load_a_narrow_resnet_by_its_name()
    {
        var architecture = Architectures.ByName("resnet18-cifar-w8", 10);

        Assert.Equal(("resnet18-cifar-w8", "layer3"), (architecture.Name, Architectures.DefaultEditableSubset(architecture.Name)));
        Assert.Equal([10L, 64L], architecture.Parameters.Single(p => p.Name == "fc.weight").Shape);
        Assert.Throws<ArgumentException>(() => Architectures.ByName("resnet18-cifar-w08", 10));
    }
}
