using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Evaluation;

namespace Corrections.Editing.Tests.Correcting;

public class When_a_chain_is_edited
{
    private static readonly int[] Shape = [1, 4, 4];

    /// <summary>The first <paramref name="count"/> points of <paramref name="data"/> from <paramref name="from"/>, each labelled with a class the model does not predict.</summary>
    private static CorrectionSet Mistakes(EditableModel model, LabeledImages data, int from, int count)
    {
        var predicted = Metrics.Predictions(model, data);
        var set = new CorrectionSet(Shape);
        for (var i = from; i < from + count; i++)
        {
            set.Add(data.ImageValues(i), (predicted[i] + 1) % 3);
        }
        return set;
    }

    [Fact]
    public void Should_make_the_fresh_corrections_and_keep_the_earlier_ones()
    {
        using var head = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 50 }, subset: "head");
        using var data = TinyModels.Blobs(16, 3, seed: 5);
        var earlier = Mistakes(head, data, 0, 3);
        using var first = ChainEditor.Edit(head, earlier, new CorrectionSet(Shape));
        Assert.All(first.Edits, e => Assert.True(e.Success));
        using var edited = first.TakeModel();
        var fresh = Mistakes(edited, data, 8, 2);

        using var second = ChainEditor.Edit(edited, fresh, earlier);

        Assert.Equal(2, second.Edits.Count);
        Assert.All(second.Edits, e => Assert.True(e.Success));
        Assert.Equal(1.0, Metrics.HeldShare(second.Model!, fresh));
        Assert.Equal(1.0, Metrics.HeldShare(second.Model!, earlier));
    }

    [Fact]
    public void Should_leave_the_head_unchanged()
    {
        using var head = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 50 }, subset: "head");
        using var data = TinyModels.Blobs(8, 3, seed: 6);
        var before = Metrics.Predictions(head, data);

        using var edit = ChainEditor.Edit(head, Mistakes(head, data, 0, 4), new CorrectionSet(Shape));

        Assert.True(edit.Succeeded > 0);
        Assert.Equal(before, Metrics.Predictions(head, data));
    }

    [Fact]
    public void Should_give_no_model_when_no_correction_takes()
    {
        // One tiny step cannot move a prediction: every correction fails, and there is no candidate.
        using var head = TinyModels.Create(new EditorOptions { LearningRate = 1e-6, MaxSteps = 1 }, subset: "head");
        using var data = TinyModels.Blobs(8, 3, seed: 7);

        using var edit = ChainEditor.Edit(head, Mistakes(head, data, 0, 2), new CorrectionSet(Shape));

        Assert.Null(edit.Model);
        Assert.All(edit.Edits, e => Assert.False(e.Success));
        Assert.Throws<InvalidOperationException>(() => edit.TakeModel());
    }

    [Fact]
    public void Should_refuse_corrections_that_do_not_fit_the_model()
    {
        using var head = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 5 });
        var wrong = new CorrectionSet([1, 2, 8]).Add(new float[16], 1);

        Assert.Throws<ArgumentException>(() => ChainEditor.Edit(head, wrong, new CorrectionSet([1, 2, 8])));
    }

    [Fact]
    public void Should_refuse_stored_bytes_that_do_not_fit_the_shape()
    {
        var set = new CorrectionSet(Shape);

        Assert.Throws<InvalidDataException>(() => set.Add(new byte[12], 1));
        Assert.Throws<ArgumentException>(() => set.Add(new float[15], 1));
        Assert.Equal(0, set.Count);
    }
}
