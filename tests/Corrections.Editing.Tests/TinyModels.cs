using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests;

/// <summary>Small networks and synthetic data sets that make the ML core's behaviour testable in milliseconds.</summary>
internal static class TinyModels
{
    /// <summary>A 16-input MLP (1×4×4 images), one hidden layer of 12 units, <paramref name="classes"/> outputs.</summary>
    public static Architecture Mlp(int classes = 3) => new("tiny-mlp", [1, 4, 4], classes,
    [
        new LinearStage("fc1", 16, 12, activate: true),
        new LinearStage("head", 12, classes, activate: false),
    ]);

    public static EditableModel Create(EditorOptions editor, string subset = "all", long seed = 1, int classes = 3, ScalarType dtype = ScalarType.Float32)
    {
        var architecture = Mlp(classes);
        using var network = Network.Create(architecture, seed);
        var converted = Network.FromTensors(architecture,
            network.Parameters.Select(p => p.to(dtype)).ToList(),
            network.Buffers.Select(b => b.to(dtype)).ToList());
        return EditableModel.Create(converted, new Normalization([0.5f], [0.25f]), EditableSubset.Parse(architecture, subset), editor);
    }

    /// <summary>
    /// Gaussian blobs in 16 dimensions (values squashed into [0, 1] like pixels): easy to learn, with enough overlap
    /// that an edit of one point can disturb its neighbours.
    /// </summary>
    public static LabeledImages Blobs(int count, int classes, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var centres = randn([classes, 16], generator: new Generator(12345));
        var labels = randint(0, classes, [count], dtype: int64, generator: generator);
        using var noise = randn([count, 16], generator: generator);
        using var points = centres.index_select(0, labels) + noise * 0.8;
        var images = points.sigmoid().reshape(count, 1, 4, 4).contiguous();
        return new LabeledImages(images, labels, Enumerable.Range(0, classes).Select(c => $"class {c}").ToList(), "synthetic blobs");
    }
}
