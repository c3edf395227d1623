using Corrections.Editing.Correcting;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Tests.Lifelong;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Training;

public class When_corrections_are_consolidated
{
    private static readonly int[] Shape = [1, 4, 4];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_make_the_corrections_and_keep_clean_predictions_near_the_anchor(bool editable)
    {
        using var toy = new ToyShift();
        using var model = toy.Start.Clone();
        // Reported mistakes: shifted inputs the start model gets wrong, with their true labels.
        var predicted = Metrics.Predictions(model, toy.ShiftedTrain);
        var labels = toy.ShiftedTrain.LabelValues();
        var corrections = new CorrectionSet(Shape);
        for (var i = 0; i < toy.ShiftedTrain.Count && corrections.Count < 20; i++)
        {
            if (predicted[i] != labels[i])
            {
                corrections.Add(toy.ShiftedTrain.ImageValues(i), labels[i]);
            }
        }
        Assert.Equal(0.0, Metrics.HeldShare(model, corrections));
        var cleanBefore = Metrics.Predictions(model, toy.CleanTest);
        var options = new ConsolidationOptions
        {
            Steps = 600,
            LearningRate = 1e-2,
            CorrectionBatch = 8,
            CleanBatch = 24,
            CropPadding = 0,
            HorizontalFlip = false,
            Editable = editable,
        };

        Consolidation.Run(model, corrections, toy.CleanTrain, toy.Start, options);

        Assert.True(Metrics.HeldShare(model, corrections) >= 0.9, $"held {Metrics.HeldShare(model, corrections):P0}");
        var changed = Metrics.Predictions(model, toy.CleanTest).Where((p, i) => p != cleanBefore[i]).Count();
        Assert.True(changed < toy.CleanTest.Count * 0.1, $"{changed} of {toy.CleanTest.Count} clean predictions changed");
    }

    [Fact]
    public void Should_take_steps_in_proportion_to_the_corrections_up_to_the_limit()
    {
        var options = new ConsolidationOptions { Steps = 300, CorrectionBatch = 32, PassesOverCorrections = 8 };

        Assert.Equal(25, options.StepsFor(100));
        Assert.Equal(125, options.StepsFor(500));
        Assert.Equal(300, options.StepsFor(2000));
        Assert.Equal(300, (options with { PassesOverCorrections = null }).StepsFor(100));
    }
}
