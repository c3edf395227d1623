using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests;

public sealed class When_a_model_is_saved : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private string PathOf(string name) => _directory.File(name);

    private static EditableModel SmallCnn(long seed) => EditableModel.Create(Architectures.SmallCnn(), Normalization.FashionMnist, "fc1,head",
        new EditorOptions { Kind = EditorKind.Adam, LearningRate = 0.02, MaxSteps = 7 }, seed);

    [Fact]
    public void Should_load_back_bit_exact_with_its_editor_and_preprocessing()
    {
        using var model = SmallCnn(seed: 3);
        model.Save(PathOf("a.ctm"));

        using var loaded = EditableModel.Load(PathOf("a.ctm"));

        Assert.Equal(model.Architecture.Name, loaded.Architecture.Name);
        for (var i = 0; i < model.Network.Parameters.Count; i++)
        {
            Assert.Equal(model.Network.Parameters[i].data<float>().ToArray(), loaded.Network.Parameters[i].data<float>().ToArray());
        }
        Assert.Equal("fc1,head", loaded.Subset.Spec);
        Assert.Equal(model.Editor.Options, loaded.Editor.Options);
        Assert.Equal(model.Editor.Current.LearningRate, loaded.Editor.Current.LearningRate);
        Assert.Equal(model.Normalization.Mean, loaded.Normalization.Mean);
        Assert.Equal(model.Normalization.Std, loaded.Normalization.Std);
        Assert.True(loaded.Network.Parameters.All(p => p.requires_grad));
    }

    [Fact]
    public void Should_write_the_same_bytes_for_the_same_weights()
    {
        using var model = SmallCnn(seed: 4);
        using var twin = SmallCnn(seed: 4);
        using var other = SmallCnn(seed: 5);
        model.Save(PathOf("a.ctm"));
        twin.Save(PathOf("b.ctm"));
        other.Save(PathOf("c.ctm"));

        Assert.Equal(TensorArchive.Sha256(PathOf("a.ctm")), TensorArchive.Sha256(PathOf("b.ctm")));
        Assert.NotEqual(TensorArchive.Sha256(PathOf("a.ctm")), TensorArchive.Sha256(PathOf("c.ctm")));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp"));
    }

    [Fact]
    public void Should_refuse_a_truncated_or_foreign_file_with_a_clear_error()
    {
        using var model = SmallCnn(seed: 6);
        model.Save(PathOf("a.ctm"));
        var bytes = File.ReadAllBytes(PathOf("a.ctm"));
        File.WriteAllBytes(PathOf("truncated.ctm"), bytes[..^100]);
        File.WriteAllBytes(PathOf("foreign.ctm"), "not a model at all"u8.ToArray());

        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => EditableModel.Load(PathOf("truncated.ctm"))).Message);
        Assert.Contains("magic", Assert.Throws<DataFormatException>(() => EditableModel.Load(PathOf("foreign.ctm"))).Message);
    }

    [Fact]
    public void Should_keep_resnet_batchnorm_statistics()
    {
        using var model = EditableModel.Create(Architectures.ResNet18Cifar(), Normalization.Cifar10, "layer3", new EditorOptions(), seed: 1);
        using (no_grad())
        {
            model.Network.Buffers[0].fill_(0.25f);
        }
        model.Save(PathOf("resnet.ctm"));

        using var loaded = EditableModel.Load(PathOf("resnet.ctm"));

        Assert.Equal(model.Network.Buffers.Count, loaded.Network.Buffers.Count);
        Assert.All(loaded.Network.Buffers[0].data<float>().ToArray(), v => Assert.Equal(0.25f, v));
        Assert.Equal(3, loaded.Subset.FirstStage);
    }

    public void Dispose() => _directory.Dispose();
}
