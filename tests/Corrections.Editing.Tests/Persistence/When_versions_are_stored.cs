using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Persistence;

public sealed class When_versions_are_stored : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    private static EditableModel SmallCnn(string subset = "head") => EditableModel.Create(Architectures.SmallCnn(), Normalization.FashionMnist, subset,
        new EditorOptions { LearningRate = 0.5, MaxSteps = 50 }, seed: 7);

    private static float[] Weights(EditableModel model) => model.Network.Parameters.SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void Should_store_an_edit_as_a_small_delta_that_loads_back_exactly()
    {
        var store = new ModelStore(_root.Path);
        using var model = SmallCnn();
        var v1 = store.SaveFull("fashion", 1, model);
        using var image = rand([1, 1, 28, 28], generator: new Generator(1));
        using var before = model.Logits(image);
        using var edit = model.Edit(image, tensor(new[] { (before.argmax(1).item<long>() + 1) % 10 }));
        model.Apply(edit);

        var v2 = store.SaveEdit("fashion", 2, model, v1);

        Assert.True(v2.IsDelta);
        Assert.True(v2.Bytes < v1.Bytes, $"delta {v2.Bytes} B is not smaller than the full model {v1.Bytes} B");
        using var loaded = store.Load(v2);
        Assert.Equal(Weights(model), Weights(loaded));
        Assert.Equal(Path.Combine("fashion", "2.ctm"), v2.Location);
    }

    [Fact]
    public void Should_store_an_edit_in_full_when_its_subset_is_most_of_the_model()
    {
        var store = new ModelStore(_root.Path);
        using var model = SmallCnn("fc1,head");
        var v1 = store.SaveFull("fashion", 1, model);

        var v2 = store.SaveEdit("fashion", 2, model, v1);

        Assert.False(v2.IsDelta);
        using var loaded = store.Load(v2);
        Assert.Equal(Weights(model), Weights(loaded));
    }

    [Fact]
    public void Should_refuse_a_file_whose_hash_changed()
    {
        var store = new ModelStore(_root.Path);
        using var model = SmallCnn();
        var v1 = store.SaveFull("fashion", 1, model);
        var path = Path.Combine(_root.Path, v1.Location);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => store.Load(v1));
        Assert.Contains("SHA-256", error.Message);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("Upper")]
    public void Should_refuse_model_names_that_could_leave_the_store(string name)
    {
        var store = new ModelStore(_root.Path);
        using var model = SmallCnn();

        Assert.Throws<ArgumentException>(() => store.SaveFull(name, 1, model));
        Assert.Throws<ArgumentException>(() => store.Load(new StoredVersion("../../etc/passwd", new string('0', 64), false, 0)));
    }

    public void Dispose() => _root.Dispose();
}
