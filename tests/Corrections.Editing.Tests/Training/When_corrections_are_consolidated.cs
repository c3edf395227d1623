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
        var corrections = Mistakes(toy, 20);
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
    public void Should_end_at_the_mean_of_the_weights_of_its_averaged_tail()
    {
        using var toy = new ToyShift();
        var corrections = Mistakes(toy, 20);
        var options = new ConsolidationOptions { Steps = 40, LearningRate = 1e-2, CorrectionBatch = 8, CleanBatch = 24, CropPadding = 0, HorizontalFlip = false, CorrectionNoise = 0.05 };
        // The same steps, one at a time, without averaging: the weights after each of the last 10 steps.
        using var stepped = toy.Start.Clone();
        var tail = new List<float[][]>();
        using (var run = new ConsolidationRun(stepped, corrections, toy.CleanTrain, toy.Start, options))
        {
            for (var step = 0; step < run.Steps; step++)
            {
                run.Advance(1);
                if (step >= 30)
                {
                    tail.Add([.. stepped.Network.Parameters.Select(p => p.data<float>().ToArray())]);
                }
            }
        }
        using var averaged = toy.Start.Clone();

        Consolidation.Run(averaged, corrections, toy.CleanTrain, toy.Start, options with { AverageTail = 0.25 });

        for (var i = 0; i < averaged.Network.Parameters.Count; i++)
        {
            var values = averaged.Network.Parameters[i].data<float>().ToArray();
            for (var j = 0; j < values.Length; j++)
            {
                var mean = tail.Average(weights => weights[i][j]);
                Assert.True(Math.Abs(values[j] - mean) <= 1e-5 + (1e-4 * Math.Abs(mean)), $"parameter {i}[{j}]: {values[j]} against the tail's mean {mean}");
            }
        }
        Assert.NotEqual(tail[^1][0], averaged.Network.Parameters[0].data<float>().ToArray());
    }

    [Theory]
    [InlineData(-0.1, 0.0)]
    [InlineData(0.0, 1.5)]
    public void Should_refuse_noise_or_an_averaged_share_out_of_range(double noise, double tail) =>
        Assert.Throws<ArgumentException>(() => new ConsolidationOptions { CorrectionNoise = noise, AverageTail = tail }.Validate());

    private static CorrectionSet Mistakes(ToyShift toy, int count)
    {
        var predicted = Metrics.Predictions(toy.Start, toy.ShiftedTrain);
        var labels = toy.ShiftedTrain.LabelValues();
        var corrections = new CorrectionSet(Shape);
        for (var i = 0; i < toy.ShiftedTrain.Count && corrections.Count < count; i++)
        {
            if (predicted[i] != labels[i])
            {
                corrections.Add(toy.ShiftedTrain.ImageValues(i), labels[i]);
            }
        }
        return corrections;
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
