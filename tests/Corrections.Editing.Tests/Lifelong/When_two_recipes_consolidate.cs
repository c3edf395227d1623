using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Lifelong.Methods;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Lifelong;

/// <summary>
/// The design with an alternative recipe: both fold the same corrections, both are held to the clean limit, and the
/// shift's slice keeps the one that learned more of the shift, whichever of the two it is.
/// </summary>
public class When_two_recipes_consolidate : IDisposable
{
    private readonly ToyShift _toy = new();
    private readonly LabeledImages _slice;
    private readonly LabeledImages _reference;
    private readonly LabeledImages _validation;
    private readonly List<int> _mistakes;

    public When_two_recipes_consolidate()
    {
        _slice = _toy.ShiftedTrain.Select(Enumerable.Range(400, 200).Select(i => (long)i).ToArray());
        _reference = _toy.CleanTrain.Take(200);
        _validation = _toy.CleanTest.Take(100);
        var predicted = Metrics.Predictions(_toy.Start, _toy.ShiftedTrain);
        var labels = _toy.ShiftedTrain.LabelValues();
        _mistakes = Enumerable.Range(0, 400).Where(i => predicted[i] != labels[i]).Take(20).ToList();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Should_keep_the_recipe_that_does_better_on_the_shift_slice(bool designLearns)
    {
        var gate = new ShiftGate(_slice);
        var (design, alternative) = designLearns ? (Learns, Barely) : (Barely, Learns);
        using var method = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, _reference, _validation, Options(gate, design, alternative));

        Report(method);

        Assert.Equal(1, method.Consolidations);
        var chosen = Assert.Single(method.Chosen);
        Assert.Equal((designLearns ? "design" : "alternative", 1), (chosen.Key, chosen.Value));
        using var learned = _toy.Start.Clone();
        Consolidation.Run(learned, Corrections(), _toy.CleanTrain, _toy.Start, Learns);
        Assert.Equal(Metrics.ErrorRate(learned, _slice), gate.ProductionError!.Value, 1e-9);
        Assert.True(gate.ProductionError < Metrics.ErrorRate(_toy.Start, _slice), "the recipe that learns should lower the slice's error");
        Assert.Equal(designLearns ? "design 1" : "alternative 1", method.Settings["consolidations_by_recipe"]);
    }

    [Fact]
    public void Should_need_a_shift_gate_to_choose()
    {
        var options = Options(null, Learns, Barely);

        var error = Assert.Throws<ArgumentException>(() => new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, _reference, _validation, options));
        Assert.Contains("shift gate", error.Message);
    }

    private static LifelongOptions Options(ShiftGate? gate, ConsolidationOptions design, ConsolidationOptions alternative) => new()
    {
        Memory = new MemoryOptions { KeyStage = 1 },
        ConsolidateEvery = 20,
        CleanLimitPp = 100,
        ShiftGate = gate,
        AnchorToPrevious = false,
        Consolidation = design,
        Alternative = new ConsolidationRecipe("alternative", alternative, AnchorToPrevious: false),
    };

    // Both recipes start from the start version and anchor to it, so the one that learns makes the same weights as a
    // plain run of it: the figure the test checks production against.
    private static readonly ConsolidationOptions Learns = new() { Steps = 150, LearningRate = 1e-2, CorrectionBatch = 16, CleanBatch = 16, CropPadding = 0, HorizontalFlip = false };

    private static readonly ConsolidationOptions Barely = Learns with { Steps = 1, LearningRate = 1e-7 };

    private CorrectionSet Corrections()
    {
        var set = new CorrectionSet([.. _toy.Start.Architecture.InputShape.Select(d => (int)d)]);
        var labels = _toy.ShiftedTrain.LabelValues();
        foreach (var i in _mistakes)
        {
            set.Add(_toy.ShiftedTrain.ImageValues(i), labels[i]);
        }
        return set;
    }

    private void Report(ICorrectionMethod method)
    {
        var labels = _toy.ShiftedTrain.LabelValues();
        foreach (var i in _mistakes)
        {
            method.Correct(_toy.ShiftedTrain.ImageValues(i), labels[i]);
        }
    }

    public void Dispose()
    {
        _slice.Dispose();
        _reference.Dispose();
        _validation.Dispose();
        _toy.Dispose();
    }
}
