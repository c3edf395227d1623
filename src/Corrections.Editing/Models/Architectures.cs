namespace Corrections.Editing.Models;

/// <summary>The networks Corrections can build, by the name stored in model files and the registry.</summary>
public static class Architectures
{
    public const string SmallCnnName = "small-cnn";
    public const string ResNet18Name = "resnet18-cifar";

    public static IReadOnlyList<string> Names { get; } = [SmallCnnName, ResNet18Name];

    /// <summary>
    /// The 1×28×28 (Fashion-MNIST) CNN of the spike: two 3×3 conv + pool layers (32, 64 channels), a 128-unit hidden
    /// layer and the logits; ≈ 25 MFLOP per image forward + backward.
    /// </summary>
    public static Architecture SmallCnn(int classCount = 10) => new(SmallCnnName, [1, 28, 28], classCount,
    [
        new ConvPoolStage("conv1", 1, 32),
        new ConvPoolStage("conv2", 32, 64),
        new LinearStage("fc1", 64 * 7 * 7, 128, activate: true),
        new LinearStage("head", 128, classCount, activate: false),
    ]);

    /// <summary>The CIFAR variant of ResNet-18 (3×3 stem, no max-pool) that the paper edits at <c>layer3</c>.</summary>
    public static Architecture ResNet18Cifar(int classCount = 10) => new(ResNet18Name, [3, 32, 32], classCount,
    [
        new StemStage("stem", 3, 64),
        new ResidualLayerStage("layer1", 64, 64, stride: 1),
        new ResidualLayerStage("layer2", 64, 128, stride: 2),
        new ResidualLayerStage("layer3", 128, 256, stride: 2),
        new ResidualLayerStage("layer4", 256, 512, stride: 2),
        new PooledLinearHeadStage("fc", 512, classCount),
    ]);

    /// <summary>
    /// What an edit changes unless told otherwise: the paper's <c>layer3</c> for ResNet-18; the two fully connected
    /// layers of the small CNN, whose cached conv features make an edit and its validation cheap.
    /// </summary>
    public static string DefaultEditableSubset(string name) => name == ResNet18Name ? "layer3" : "fc1,head";

    public static Architecture ByName(string name, int classCount) => name switch
    {
        SmallCnnName => SmallCnn(classCount),
        ResNet18Name => ResNet18Cifar(classCount),
        _ => throw new ArgumentException($"Unknown architecture '{name}'. Known: {string.Join(", ", Names)}."),
    };
}
