using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Models;
using Corrections.Editing.Tests.Lifelong;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Correcting;

public class When_corrections_are_remembered : IDisposable
{
    private static readonly int[] Shape = [1, 28, 28];

    // The small CNN edited at fc1 and head, as the service ships it: keys at the head lie above the cached features.
    private readonly EditableModel _head = EditableModel.Create(Architectures.SmallCnn(), Normalization.FashionMnist, "fc1,head", new EditorOptions(), seed: 5);
    private readonly LabeledImages _data = new(rand([60, 1, 28, 28], generator: new Generator(51)), randint(0, 10, [60], generator: new Generator(52)), FashionMnist.ClassNames, "noise");
    private readonly CorrectionSet _fresh = new(Shape);

    public When_corrections_are_remembered()
    {
        var predicted = Metrics.Predictions(_head, _data);
        for (var i = 0; i < 6; i++)
        {
            _fresh.Add(_data.ImageValues(i), (predicted[i] + 1) % 10);
        }
    }

    [Fact]
    public void Should_make_every_correction_in_a_candidate_and_leave_the_head_alone()
    {
        using var reference = _data.Select(Enumerable.Range(20, 40).Select(i => (long)i).ToArray());
        var before = Metrics.Predictions(_head, _data);

        using var candidate = Remembering.Candidate(_head, _fresh, reference, new MemoryOptions());

        Assert.All(candidate.Edits, e => Assert.True(e.Success));
        Assert.Equal(1.0, Metrics.HeldShare(candidate.Model!, _fresh));
        Assert.Equal(0.0, Metrics.HeldShare(_head, _fresh));
        Assert.Null(_head.Memory);
        Assert.Equal(before, Metrics.Predictions(_head, _data));
        Assert.Equal(_fresh.Count, candidate.Model!.Memory!.Count);
    }

    [Fact]
    public void Should_answer_from_cached_features_as_from_raw_inputs()
    {
        using var reference = _data.Select(Enumerable.Range(20, 40).Select(i => (long)i).ToArray());
        using var candidate = Remembering.Candidate(_head, _fresh, reference, new MemoryOptions());
        var model = candidate.Model!;
        using var features = _head.Features(_data.Images);

        using var fromFeatures = model.LogitsFromFeatures(features).argmax(1);
        using var fromInputs = model.Logits(_data.Images).argmax(1);

        Assert.True(model.ReadsFeatures);
        Assert.True(fromFeatures.eq(fromInputs).all().item<bool>());
        // The memory changed the answers the features give (else the check above proves nothing).
        using var weightsAlone = _head.LogitsFromFeatures(features).argmax(1);
        Assert.False(fromFeatures.eq(weightsAlone).all().item<bool>());
    }

    [Fact]
    public void Should_keep_every_correction_through_a_consolidation_in_the_weights_or_the_memory()
    {
        using var toy = new ToyShift();
        var predicted = Metrics.Predictions(toy.Start, toy.ShiftedTrain);
        var labels = toy.ShiftedTrain.LabelValues();
        var corrections = new CorrectionSet([1, 4, 4]);
        for (var i = 0; i < toy.ShiftedTrain.Count && corrections.Count < 20; i++)
        {
            if (predicted[i] != labels[i])
            {
                corrections.Add(toy.ShiftedTrain.ImageValues(i), labels[i]);
            }
        }
        using var reference = toy.CleanTrain.Take(200);
        // Keyed at the inputs: the toy's 12 ReLU units map many inputs of different labels to one key (all zero), and
        // corrections no key tells apart cannot all hold, whatever the memory does.
        var memory = new MemoryOptions { KeyStage = 0 };
        using var remembered = Remembering.Candidate(toy.Start, corrections, reference, memory);
        // Few steps: the weights make some corrections, not all, so both halves of the rule are exercised.
        var options = new ConsolidationOptions { Steps = 40, LearningRate = 1e-2, CorrectionBatch = 8, CleanBatch = 24, CropPadding = 0, HorizontalFlip = false };

        using var folded = Consolidation.Fold(remembered.Model!, corrections, toy.CleanTrain, toy.Start, reference, options, memory);

        Assert.Equal(1.0, Metrics.HeldShare(folded, corrections));
        var memoryCount = folded.Memory!.Count;
        folded.Attach(null);
        var byWeights = Metrics.Held(folded, corrections).Count(h => h);
        Assert.Equal(corrections.Count, byWeights + memoryCount);
        Assert.True(byWeights > 0, "the consolidation made no correction in the weights");
        Assert.Equal(20, remembered.Model!.Memory!.Count);
    }

    public void Dispose()
    {
        _head.Dispose();
        _data.Dispose();
    }
}
