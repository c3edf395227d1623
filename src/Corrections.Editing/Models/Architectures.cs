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

    /// <summary>
    /// The CIFAR variant of ResNet-18 (3×3 stem, no max-pool) that the paper edits at <c>layer3</c>. A
    /// <paramref name="width"/> other than the paper's 64 channels in the stem (doubling per layer) is the same network
    /// narrower, named <c>resnet18-cifar-w{width}</c>: what tests and CI run the paper's code path with.
    /// </summary>
    public static Architecture ResNet18Cifar(int classCount = 10, int width = 64)
    {
        if (width is < 1 or > 512)
        {
            throw new ArgumentException($"A ResNet-18's width is between 1 and 512 channels, not {width}.", nameof(width));
        }
        return new(width == 64 ? ResNet18Name : $"{ResNet18Name}{WidthMark}{width}", [3, 32, 32], classCount,
        [
            new StemStage("stem", 3, width),
            new ResidualLayerStage("layer1", width, width, stride: 1),
            new ResidualLayerStage("layer2", width, 2 * width, stride: 2),
            new ResidualLayerStage("layer3", 2 * width, 4 * width, stride: 2),
            new ResidualLayerStage("layer4", 4 * width, 8 * width, stride: 2),
            new PooledLinearHeadStage("fc", 8 * width, classCount),
        ]);
    }

    private const string WidthMark = "-w";

    /// <summary>Whether <paramref name="name"/> is a ResNet-18, of the paper's width or narrower.</summary>
    public static bool IsResNet18(string name) => name == ResNet18Name || name.StartsWith(ResNet18Name + WidthMark, StringComparison.Ordinal);

    /// <summary>
    /// What an edit changes unless told otherwise: the paper's <c>layer3</c> for ResNet-18; the two fully connected
    /// layers of the small CNN, whose cached conv features make an edit and its validation cheap.
    /// </summary>
    public static string DefaultEditableSubset(string name) => IsResNet18(name) ? "layer3" : "fc1,head";

    public static Architecture ByName(string name, int classCount) => name switch
    {
        SmallCnnName => SmallCnn(classCount),
        ResNet18Name => ResNet18Cifar(classCount),
        _ when IsResNet18(name) && int.TryParse(name[(ResNet18Name.Length + WidthMark.Length)..], out var width) && $"{ResNet18Name}{WidthMark}{width}" == name
            => ResNet18Cifar(classCount, width),
        _ => throw new ArgumentException($"Unknown architecture '{name}'. Known: {string.Join(", ", Names)}."),
    };
}
