using Corrections.Editing.Correcting;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Lifelong.Methods;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Lifelong;

public class When_a_stream_is_corrected : IDisposable
{
    private readonly ToyShift _toy = new();
    private static readonly StreamOptions Options = new() { Reports = 60, Every = 20, ViewSample = 20 };

    [Fact]
    public void Should_learn_the_shift_on_unreported_inputs_from_a_model_that_does_not()
    {
        using var none = new FixedModel("none", _toy.Start);
        var result = CorrectionStream.Run(none, _toy.Data, Options);

        Assert.True(result.Start.ShiftedErrorPct > 40, $"the toy shift should be hard for the start model: {result.Start.ShiftedErrorPct:F1} %");
        Assert.Equal(result.Start.ShiftedErrorPct, result.End.ShiftedErrorPct);
        // Every report is a mistake of the current production, and a model that ignores reports keeps making it.
        Assert.Equal(0, result.End.RetentionPct);
        Assert.Equal(0, result.End.EffectivePct);
        Assert.True(result.End.Scanned >= result.End.Reports);
    }

    [Fact]
    public void Should_measure_before_any_report_and_every_k_reports()
    {
        using var cache = new LookupCacheMethod(_toy.Start);
        var result = CorrectionStream.Run(cache, _toy.Data, Options);

        Assert.Equal([0, 20, 40, 60], result.Checkpoints.Select(c => c.Reports));
        Assert.False(result.Exhausted);
    }

    [Fact]
    public void Should_find_a_lookup_cache_exact_and_no_better_on_unreported_inputs()
    {
        using var cache = new LookupCacheMethod(_toy.Start);
        var result = CorrectionStream.Run(cache, _toy.Data, Options);

        Assert.Equal(100, result.End.RetentionPct);
        Assert.Equal(100, result.End.EffectivePct);
        Assert.Equal(result.Start.ShiftedErrorPct, result.End.ShiftedErrorPct);
        Assert.Equal(result.Start.CleanErrorPct, result.End.CleanErrorPct);
    }

    [Fact]
    public void Should_keep_every_report_and_learn_the_shift_with_memory_and_consolidation()
    {
        using var reference = _toy.CleanTrain.Take(200);
        using var validation = _toy.CleanTest.Take(100);
        var options = Remembering(editable: true) with { CleanLimitPp = 5 };
        using var method = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, reference, validation, options);

        var result = CorrectionStream.Run(method, _toy.Data, Options);

        Assert.True(result.End.RetentionPct >= 99, $"retention {result.End.RetentionPct:F1} %");
        Assert.Equal(100, result.End.EffectivePct);
        Assert.True(result.End.ShiftedErrorPct < result.Start.ShiftedErrorPct - 15, $"shifted error {result.Start.ShiftedErrorPct:F1} → {result.End.ShiftedErrorPct:F1} %");
        Assert.True(method.Consolidations > 0);
    }

    [Fact]
    public void Should_remember_held_out_reports_and_refuse_a_consolidation_that_gets_more_of_them_wrong()
    {
        using var reference = _toy.CleanTrain.Take(200);
        using var validation = _toy.CleanTest.Take(100);
        // Only the held-out reports judge here.
        var options = Remembering(editable: false) with { HoldOutEvery = 2, CleanLimitPp = 100 };
        using var method = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, reference, validation, options);
        var predicted = Metrics.Predictions(_toy.Start, _toy.ShiftedTrain);
        var labels = _toy.ShiftedTrain.LabelValues();
        var mistakes = Enumerable.Range(0, _toy.ShiftedTrain.Count).Where(i => predicted[i] != labels[i]).Take(20).ToList();
        foreach (var i in mistakes)
        {
            method.Correct(_toy.ShiftedTrain.ImageValues(i), labels[i]);
        }
        Assert.Equal(1, method.Consolidations);
        // Every second report was held out of that consolidation and is remembered all the same.
        var heldOut = mistakes.Where((_, n) => n % 2 == 1).ToList();
        Assert.All(heldOut, i => Assert.Equal(labels[i], Predict(method, i)));

        // Then the held-out inputs come back with wrong labels, each twice, so that every one is trained on once: a
        // consolidation on them gets the older held-out reports wrong, and production keeps the weights it had.
        foreach (var i in heldOut)
        {
            method.Correct(_toy.ShiftedTrain.ImageValues(i), (labels[i] + 1) % 3);
            method.Correct(_toy.ShiftedTrain.ImageValues(i), (labels[i] + 1) % 3);
        }

        Assert.Equal(1, method.Consolidations);
        Assert.Equal(1, method.RefusedOnShift);
    }

    // The toy's memory keys at the hidden layer; a consolidation every 20 reports, short and fast on the toy.
    private static LifelongOptions Remembering(bool editable) => new()
    {
        Memory = new MemoryOptions { KeyStage = 1 },
        ConsolidateEvery = 20,
        Consolidation = new ConsolidationOptions { Steps = 150, LearningRate = 1e-2, CorrectionBatch = 16, CleanBatch = 16, CropPadding = 0, HorizontalFlip = false, Editable = editable },
    };

    private long Predict(MemoryConsolidationMethod method, int shiftedTrainIndex)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var (image, _) = _toy.ShiftedTrain.Batch([shiftedTrainIndex]);
        return method.Predict(image)[0];
    }

    public void Dispose() => _toy.Dispose();
}
