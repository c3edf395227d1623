using Corrections.Editing.Editors;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Training;

public class When_a_tiny_model_is_trained
{
    private static readonly EditorOptions Editor = new() { LearningRate = 0.1, MaxSteps = 20 };

    private static EditableTrainingOptions Options(bool editable, long seed = 0) => new()
    {
        Epochs = 10,
        BatchSize = 32,
        LearningRate = 3e-3,
        Editable = editable,
        StabilityCoefficient = 1,
        CropPadding = 0,
        HorizontalFlip = false,
        Seed = seed,
    };

    private static EditableModel Train(bool editable, long seed = 0)
    {
        using var data = TinyModels.Blobs(1024, 3, seed: 21);
        var model = TinyModels.Create(Editor, subset: "all", seed: 2);
        new EditableTrainer(Options(editable, seed), new UniformEditTargets()).Train(model, data);
        return model;
    }

    private static ProtocolResult PaperProtocol(EditableModel model)
    {
        using var test = TinyModels.Blobs(400, 3, seed: 22);
        using var set = new EvaluationSet("blobs", model, test);
        return EditProtocols.Independent("paper", "tiny", set, test, EditCases.Random(model, test, 40, seed: 3));
    }

    [Fact]
    public void Should_edit_with_less_drawdown_than_its_plain_twin()
    {
        using var plain = Train(editable: false);
        using var editable = Train(editable: true);

        var plainResult = PaperProtocol(plain);
        var editableResult = PaperProtocol(editable);

        Assert.True(plainResult.TestErrorPct < 20, $"plain model did not learn: {plainResult.TestErrorPct:F1} % error");
        Assert.True(editableResult.TestErrorPct < 20, $"editable model did not learn: {editableResult.TestErrorPct:F1} % error");
        Assert.Equal(100, editableResult.SuccessRate);
        Assert.True(editableResult.DrawdownPp < plainResult.DrawdownPp,
            $"editable drawdown {editableResult.DrawdownPp:F2} pp is not below plain {plainResult.DrawdownPp:F2} pp");
    }

    [Fact]
    public void Should_give_identical_weights_for_the_same_seed_and_different_ones_for_another()
    {
        using var first = Train(editable: true, seed: 4);
        using var second = Train(editable: true, seed: 4);
        using var other = Train(editable: true, seed: 5);

        var a = first.Network.Parameters.SelectMany(p => p.data<float>().ToArray()).ToArray();
        Assert.Equal(a, second.Network.Parameters.SelectMany(p => p.data<float>().ToArray()).ToArray());
        Assert.NotEqual(a, other.Network.Parameters.SelectMany(p => p.data<float>().ToArray()).ToArray());
        Assert.Equal(first.Editor.Current.LearningRate, second.Editor.Current.LearningRate);
    }

    [Fact]
    public void Should_resume_from_a_checkpoint_exactly_where_it_left_off()
    {
        using var directory = new TemporaryDirectory();
        using var data = TinyModels.Blobs(256, 3, seed: 23);
        using var uninterrupted = TinyModels.Create(Editor, seed: 2);
        new EditableTrainer(Options(true) with { Epochs = 2 }, new UniformEditTargets()).Train(uninterrupted, data);

        var checkpoint = directory.File("run.ckpt");
        using var resumed = TinyModels.Create(Editor, seed: 2);
        new EditableTrainer(Options(true) with { Epochs = 1 }, new UniformEditTargets()).Train(resumed, data, checkpointPath: checkpoint);
        using var fresh = TinyModels.Create(Editor, seed: 99);
        new EditableTrainer(Options(true) with { Epochs = 2 }, new UniformEditTargets()).Train(fresh, data, checkpointPath: checkpoint);

        Assert.Equal(
            uninterrupted.Network.Parameters.SelectMany(p => p.data<float>().ToArray()).ToArray(),
            fresh.Network.Parameters.SelectMany(p => p.data<float>().ToArray()).ToArray());
    }
}
