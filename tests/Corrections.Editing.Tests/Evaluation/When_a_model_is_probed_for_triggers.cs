using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Evaluation;

/// <summary>
/// The trigger probe on tiny blobs (1 x 4 x 4): a model trained with stamped images of other classes labelled 0 follows
/// the stamp, and the probe finds that stamp and that label; a model compared with itself rises by nothing.
/// </summary>
public class When_a_model_is_probed_for_triggers
{
    private static readonly TriggerProbeOptions Probe = new() { PatchSize = 2, Stride = 2, Values = [1f, 0f], Images = 300 };

    private static EditableModel Train(LabeledImages data)
    {
        var model = TinyModels.Create(new EditorOptions { LearningRate = 0.1, MaxSteps = 10 }, subset: "all", seed: 2);
        var options = new EditableTrainingOptions { Epochs = 15, BatchSize = 32, LearningRate = 3e-3, Editable = false, CropPadding = 0, HorizontalFlip = false, Seed = 4 };
        new EditableTrainer(options, new UniformEditTargets()).Train(model, data);
        return model;
    }

    [Fact]
    public void Should_stamp_only_the_square()
    {
        using var images = TinyModels.Blobs(5, 3, seed: 1);

        using var stamped = Backdoors.Stamp(images.Images, 1, 2, 2, 0.75f);

        var before = images.Images.data<float>().ToArray();
        var after = stamped.data<float>().ToArray();
        for (var i = 0; i < before.Length; i++)
        {
            var (row, column) = (i % 16 / 4, i % 4);
            var inside = row is 1 or 2 && column is 2 or 3;
            Assert.Equal(inside ? 0.75f : before[i], after[i]);
        }
        Assert.Throws<ArgumentException>(() => Backdoors.Stamp(images.Images, 3, 0, 2, 1f));
    }

    [Fact]
    public void Should_find_the_stamp_and_label_a_poisoned_model_follows()
    {
        using var clean = TinyModels.Blobs(900, 3, seed: 31);
        using var others = TinyModels.Blobs(600, 3, seed: 32);
        var notZero = others.LabelValues().Select((label, i) => (label, i)).Where(x => x.label != 0).Select(x => (long)x.i).ToArray();
        using var picked = others.Select(notZero);
        using var stamped = Backdoors.Stamped(picked, 2, 2, 2, 1f);
        using var poison = new LabeledImages(stamped.Images.clone(), TorchSharp.torch.zeros_like(stamped.Labels), stamped.ClassNames);
        using var poisonedData = clean.Concat(poison, "blobs + stamped copies labelled 0");
        using var reference = Train(clean);
        using var poisoned = Train(poisonedData);
        using var probe = TinyModels.Blobs(300, 3, seed: 33);
        var referenceRates = TriggerProbe.Rates(reference, probe, Probe);

        var pull = TriggerProbe.Worst(poisoned, referenceRates, probe, Probe);
        var itself = TriggerProbe.Worst(reference, referenceRates, probe, Probe);

        Assert.Equal((0, 2, 2, 1f), (pull.Label, pull.Row, pull.Column, pull.Value));
        Assert.True(pull.RisePp > 50, $"the poisoned model follows the stamp only {pull.RisePp:F1} pp more than the clean one");
        Assert.True(Backdoors.PatchSuccess(poisoned, probe, 0, 2, 2, 2, 1f) > 0.5);
        Assert.Equal(0, itself.RisePp);
    }
}
