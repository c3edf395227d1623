using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Correcting;

public class When_a_version_with_a_memory_is_saved : IDisposable
{
    private static readonly int[] Shape = [1, 28, 28];
    private readonly TemporaryDirectory _directory = new();

    // The small CNN (a stored version must name a known architecture), edited at its head alone, so that an edit
    // version is stored as a delta.
    private readonly EditableModel _model = EditableModel.Create(Architectures.SmallCnn(), Normalization.FashionMnist, "head", new EditorOptions(), seed: 3);
    private readonly LabeledImages _data = new(rand([40, 1, 28, 28], generator: new Generator(31)), randint(0, 10, [40], generator: new Generator(32)), FashionMnist.ClassNames, "noise");
    private readonly CorrectionSet _corrections = new(Shape);

    public When_a_version_with_a_memory_is_saved()
    {
        var predicted = Metrics.Predictions(_model, _data);
        for (var i = 0; i < 5; i++)
        {
            _corrections.Add(_data.ImageValues(i), (predicted[i] + 1) % 10);
        }
        var memory = new CorrectionMemory(keyStage: 3, radiusScale: 0.5, Shape);
        using var reference = _data.Select(Enumerable.Range(10, 30).Select(i => (long)i).ToArray());
        memory.Rebuild(_model, _corrections.Select([0, 1, 2]), reference.Images, reference.Labels);
        memory.Add(_model, _corrections.Input(3), _corrections.Labels[3]);
        memory.Add(_model, _corrections.Input(4), _corrections.Labels[4]);
        _model.Attach(memory);
    }

    [Fact]
    public void Should_predict_every_remembered_correction()
    {
        Assert.Equal(1.0, Metrics.HeldShare(_model, _corrections));
    }

    [Fact]
    public void Should_read_back_the_same_memory_bit_for_bit()
    {
        var path = _directory.File("v.ctm");
        _model.Save(path);
        using var loaded = EditableModel.Load(path);

        AssertSameMemory(_model.Memory!, loaded.Memory!);
        Assert.Equal(Metrics.Predictions(_model, _data), Metrics.Predictions(loaded, _data));
        Assert.Equal(1.0, Metrics.HeldShare(loaded, _corrections));
    }

    [Fact]
    public void Should_keep_its_own_memory_in_a_delta_and_its_parent_none()
    {
        var store = new ModelStore(_directory.Path);
        using var parent = _model.Clone();
        parent.Attach(null);
        var parentVersion = store.SaveFull("m", 1, parent);
        var version = store.SaveEdit("m", 2, _model, parentVersion);

        using var loaded = store.Load(version);
        using var loadedParent = store.Load(parentVersion);

        Assert.True(version.IsDelta);
        AssertSameMemory(_model.Memory!, loaded.Memory!);
        Assert.Null(loadedParent.Memory);
        Assert.Equal(Metrics.Predictions(_model, _data), Metrics.Predictions(loaded, _data));
    }

    [Fact]
    public void Should_store_only_the_new_entries_of_a_version_that_only_remembers()
    {
        var store = new ModelStore(_directory.Path);
        var parentVersion = store.SaveFull("m", 1, _model);
        var fresh = new CorrectionSet(Shape).Add(_data.ImageValues(20), 3).Add(_data.ImageValues(21), 4);
        using var reference = _data.Select(Enumerable.Range(10, 10).Select(i => (long)i).ToArray());
        using var candidate = Remembering.Candidate(_model, fresh, reference, new MemoryOptions());

        var version = store.SaveEdit("m", 2, candidate.Model!, parentVersion, parentModel: _model);
        using var loaded = store.Load(version);

        Assert.True(version.IsDelta);
        var (stored, _) = TensorArchive.Read(Path.Combine(store.Root, version.Location));
        var names = stored.Select(t => t.Name).ToList();
        foreach (var (_, t) in stored)
        {
            t.Dispose();
        }
        Assert.All(names, n => Assert.StartsWith("memory.", n));
        Assert.DoesNotContain("memory.reference_keys", names);
        Assert.True(version.Bytes * 10 < parentVersion.Bytes, $"{version.Bytes} bytes beside the parent's {parentVersion.Bytes}");
        AssertSameMemory(candidate.Model!.Memory!, loaded.Memory!);
        Assert.Equal(Metrics.Predictions(candidate.Model!, _data), Metrics.Predictions(loaded, _data));
    }

    [Fact]
    public void Should_follow_a_chain_of_deltas_from_a_version_already_loaded()
    {
        var store = new ModelStore(_directory.Path);
        using var reference = _data.Select(Enumerable.Range(10, 10).Select(i => (long)i).ToArray());
        var v1 = store.SaveFull("m", 1, _model);
        using var second = Remembering.Candidate(_model, new CorrectionSet(Shape).Add(_data.ImageValues(20), 3), reference, new MemoryOptions());
        var v2 = store.SaveEdit("m", 2, second.Model!, v1, parentModel: _model);
        using var third = Remembering.Candidate(second.Model!, new CorrectionSet(Shape).Add(_data.ImageValues(21), 4), reference, new MemoryOptions());
        var v3 = store.SaveEdit("m", 3, third.Model!, v2, parentModel: second.Model);
        using var held = store.Load(v2);
        // Without the full version at the root, only a load that starts from v2 in memory can succeed.
        File.Delete(Path.Combine(store.Root, v1.Location));

        using var loaded = store.Load(v3, (v2, held));

        AssertSameMemory(third.Model!.Memory!, loaded.Memory!);
        Assert.Equal(Metrics.Predictions(third.Model!, _data), Metrics.Predictions(loaded, _data));
        Assert.ThrowsAny<IOException>(() => store.Load(v3).Dispose());
        Assert.Equal(second.Model!.Memory!.Count, held.Memory!.Count);
    }

    [Fact]
    public void Should_clone_the_memory_with_the_model()
    {
        using var clone = _model.Clone();
        AssertSameMemory(_model.Memory!, clone.Memory!);
        Assert.NotSame(_model.Memory, clone.Memory);
    }

    private static void AssertSameMemory(CorrectionMemory expected, CorrectionMemory actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Radii, actual.Radii);
        Assert.Equal(expected.Shrinks, actual.Shrinks);
        Assert.Equal(expected.KeyStage, actual.KeyStage);
        var (e, _) = expected.Stored();
        var (a, _) = actual.Stored();
        Assert.Equal(e.Select(t => t.Name), a.Select(t => t.Name));
        for (var i = 0; i < e.Count; i++)
        {
            Assert.True(e[i].Tensor.dtype == a[i].Tensor.dtype && e[i].Tensor.shape.SequenceEqual(a[i].Tensor.shape), e[i].Name);
            Assert.True(e[i].Tensor.eq(a[i].Tensor).all().item<bool>(), $"{e[i].Name} differs");
        }
    }

    public void Dispose()
    {
        _model.Dispose();
        _data.Dispose();
        _directory.Dispose();
    }
}
