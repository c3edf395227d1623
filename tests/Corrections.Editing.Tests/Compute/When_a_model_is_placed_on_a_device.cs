using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Models;
using Corrections.Editing.Editors;
using Corrections.Editing.Persistence;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Compute;

/// <summary>
/// Placement on the CPU, the only device this machine has: moving to where a model already is must be free and leave
/// it whole (with object equality it copied the model and disposed the original), and every part of a model, its
/// editor and memory too, follows the network.
/// </summary>
public class When_a_model_is_placed_on_a_device
{
    private static readonly int[] Shape = [1, 28, 28];

    [Fact]
    public void Should_keep_the_same_model_when_it_is_already_there()
    {
        using var model = TinyModels.Create(new EditorOptions());
        using var data = TinyModels.Blobs(8, 3, seed: 2);

        var placed = model.To(CPU);

        Assert.Same(model, placed);
        using var logits = placed.Logits(data.Images);
        Assert.Equal([8L, 3L], logits.shape);
    }

    [Fact]
    public void Should_create_the_editor_beside_the_network_as_leaves_the_outer_optimiser_can_step()
    {
        using var model = TinyModels.Create(new EditorOptions { LearnLearningRate = true, LearnBetas = true });
        using var clone = model.Clone();

        foreach (var editor in new[] { model.Editor, clone.Editor })
        {
            Assert.True(ComputeDevice.Same(editor.Device, model.Device));
            Assert.All(editor.Hyperparameters, t => Assert.True(t.is_leaf));
        }
    }

    [Fact]
    public void Should_load_every_version_onto_the_store_device_memory_included()
    {
        using var directory = new TemporaryDirectory();
        // The small CNN, a known architecture, edited at its head: an edit version is a delta whose memory keys come
        // from its own file and whose clean reference comes from the parent's.
        using var model = EditableModel.Create(Architectures.SmallCnn(), Normalization.FashionMnist, "head", new EditorOptions(), seed: 3);
        using var data = new LabeledImages(rand([30, 1, 28, 28], generator: new Generator(31)), randint(0, 10, [30], generator: new Generator(32)), FashionMnist.ClassNames, "noise");
        var predicted = Metrics.Predictions(model, data);
        var corrections = new CorrectionSet(Shape);
        for (var i = 0; i < 4; i++)
        {
            corrections.Add(data.ImageValues(i), (predicted[i] + 1) % 10);
        }
        var memory = new CorrectionMemory(keyStage: 3, radiusScale: 0.5, Shape);
        using var reference = data.Select(Enumerable.Range(10, 20).Select(i => (long)i).ToArray());
        memory.Rebuild(model, corrections.Select([0, 1, 2]), reference.Images, reference.Labels);
        model.Attach(memory);
        var store = new ModelStore(directory.Path, device: ComputeDevice.Resolve("auto").Device);
        var parent = store.SaveFull("m", 1, model);
        using var edited = model.Clone();
        edited.Memory!.Add(edited, corrections.Input(3), corrections.Labels[3]);
        var child = store.SaveEdit("m", 2, edited, parent, model);

        using var loaded = store.Load(child);

        Assert.True(child.IsDelta);
        Assert.True(ComputeDevice.Same(loaded.Device, store.Device));
        Assert.True(ComputeDevice.Same(loaded.Editor.Device, store.Device));
        Assert.True(ComputeDevice.Same(loaded.Memory!.Device, store.Device));
        Assert.Equal(1.0, Metrics.HeldShare(loaded, corrections));
    }
}
