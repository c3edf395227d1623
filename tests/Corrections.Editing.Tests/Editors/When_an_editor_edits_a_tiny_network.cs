using Corrections.Editing.Editors;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Editors;

public class When_an_editor_edits_a_tiny_network
{
    public static TheoryData<EditorKind, double> Editors => new()
    {
        { EditorKind.GradientDescent, 0.5 },
        { EditorKind.Momentum, 0.2 },
        { EditorKind.RmsProp, 0.01 },
        { EditorKind.Adam, 0.01 },
    };

    [Theory]
    [MemberData(nameof(Editors))]
    public void Should_reach_the_target_and_stop(EditorKind kind, double learningRate)
    {
        using var model = TinyModels.Create(new EditorOptions { Kind = kind, LearningRate = learningRate, MaxSteps = 200 });
        using var data = TinyModels.Blobs(8, 3, seed: 3);
        using var input = data.Images.narrow(0, 0, 1);
        using var before = model.Logits(input);
        var target = (before.argmax(1).item<long>() + 1) % 3;

        using var edit = model.Edit(input, tensor(new[] { target }));

        Assert.True(edit.Success, $"{kind} did not reach the target in {edit.Steps} steps");
        Assert.InRange(edit.Steps, 1, 200);
        using var features = model.Features(input);
        using var after = model.LogitsFromFeatures(features, edit);
        Assert.Equal(target, after.argmax(1).item<long>());
    }

    [Fact]
    public void Should_leave_the_network_itself_unchanged()
    {
        using var model = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 50 });
        using var data = TinyModels.Blobs(4, 3, seed: 4);
        var snapshot = model.Network.Parameters.Select(p => p.data<float>().ToArray()).ToList();
        using var input = data.Images.narrow(0, 0, 1);
        using var before = model.Logits(input);

        using var edit = model.Edit(input, tensor(new[] { (before.argmax(1).item<long>() + 1) % 3 }));

        Assert.True(edit.Steps > 0);
        Assert.Equal(snapshot, model.Network.Parameters.Select(p => p.data<float>().ToArray()).ToList());
    }

    [Fact]
    public void Should_take_no_step_when_the_input_already_has_its_target()
    {
        using var model = TinyModels.Create(new EditorOptions());
        using var data = TinyModels.Blobs(4, 3, seed: 5);
        using var input = data.Images.narrow(0, 0, 1);
        using var before = model.Logits(input);

        using var edit = model.Edit(input, before.argmax(1));

        Assert.True(edit.Success);
        Assert.Equal(0, edit.Steps);
        Assert.Equal(0, edit.FinalLoss);
    }

    [Fact]
    public void Should_edit_several_inputs_at_once()
    {
        using var model = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 300 }, subset: "all");
        using var data = TinyModels.Blobs(3, 3, seed: 6);
        using var before = model.Logits(data.Images);
        using var targets = (before.argmax(1) + 1).remainder(3);

        using var edit = model.Edit(data.Images, targets);

        Assert.True(edit.Success);
        using var features = model.Features(data.Images);
        using var after = model.LogitsFromFeatures(features, edit);
        Assert.Equal(targets.data<long>().ToArray(), after.argmax(1).data<long>().ToArray());
    }

    [Fact]
    public void Should_give_up_after_max_steps_and_say_so()
    {
        using var model = TinyModels.Create(new EditorOptions { LearningRate = 1e-6, MaxSteps = 3 });
        using var data = TinyModels.Blobs(4, 3, seed: 7);
        using var input = data.Images.narrow(0, 0, 1);
        using var before = model.Logits(input);

        using var edit = model.Edit(input, tensor(new[] { (before.argmax(1).item<long>() + 1) % 3 }));

        Assert.False(edit.Success);
        Assert.Equal(3, edit.Steps);
        Assert.True(edit.FinalLoss > 0);
    }

    [Fact]
    public void Should_reject_inputs_of_the_wrong_shape_before_any_tensor_op()
    {
        using var model = TinyModels.Create(new EditorOptions());
        using var wrong = zeros(1, 1, 5, 5);

        var error = Assert.Throws<ArgumentException>(() => model.Edit(wrong, tensor(new long[] { 0 })));
        Assert.Contains("[N, 1, 4, 4]", error.Message);
        Assert.Throws<ArgumentException>(() => model.Edit(zeros(1, 1, 4, 4), tensor(new long[] { 3 })));
    }
}
