using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Lifelong.Methods;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Lifelong;

/// <summary>
/// The shift gate: a reserved labelled slice of the shift that a consolidation must not do worse on. Real mistakes with
/// their true labels pass it; the same inputs reported with wrong labels, which teach the weights the wrong shift, are
/// refused, and production keeps the weights it had. The design and naive consolidation take the same gate.
/// </summary>
public class When_a_consolidation_is_gated_on_the_shift : IDisposable
{
    private readonly ToyShift _toy = new();
    private readonly LabeledImages _slice;
    private readonly List<int> _mistakes;
    private readonly long[] _labels;

    public When_a_consolidation_is_gated_on_the_shift()
    {
        // The slice: shifted images no report is drawn from (the last 200); reports come from the first 400.
        _slice = _toy.ShiftedTrain.Select(Enumerable.Range(400, 200).Select(i => (long)i).ToArray());
        var predicted = Metrics.Predictions(_toy.Start, _toy.ShiftedTrain);
        _labels = _toy.ShiftedTrain.LabelValues();
        _mistakes = Enumerable.Range(0, 400).Where(i => predicted[i] != _labels[i]).Take(40).ToList();
    }

    [Fact]
    public void Should_admit_what_the_shift_confirms_and_refuse_what_it_contradicts_in_the_design()
    {
        using var reference = _toy.CleanTrain.Take(200);
        using var validation = _toy.CleanTest.Take(100);
        var gate = new ShiftGate(_slice);
        var options = new LifelongOptions
        {
            Memory = new MemoryOptions { KeyStage = 1 },
            ConsolidateEvery = 20,
            CleanLimitPp = 100,
            ShiftGate = gate,
            Consolidation = Short,
        };
        using var method = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, reference, validation, options);
        var startError = Error(_toy.Start);

        Report(method, _mistakes.Take(20), wrong: false);
        Assert.Equal(1, method.Consolidations);
        var admitted = gate.ProductionError!.Value;
        Assert.True(admitted < startError, $"true labels should teach the shift: slice error {100 * startError:F1} → {100 * admitted:F1} %");

        Report(method, _mistakes.Skip(20).Take(20), wrong: true);

        Assert.Equal(1, method.Consolidations);
        Assert.Equal(1, method.RefusedOnShift);
        Assert.Equal(admitted, gate.ProductionError);
        // Refused in the weights, yet every report stays in effect through the memory, wrong ones included: the gate
        // judges what the weights learn, not what a producer said.
        var contradicted = _mistakes.Skip(20).Take(20).Select(i => (long)i).ToArray();
        using var inputs = _toy.ShiftedTrain.Select(contradicted);
        Assert.Equal(contradicted.Select(i => (_labels[i] + 1) % 3), method.Predict(inputs.Images));
    }

    [Fact]
    public void Should_refuse_the_same_contradiction_in_naive_consolidation()
    {
        var gate = new ShiftGate(_slice);
        using var method = new ConsolidationMethod(_toy.Start, _toy.CleanTrain, Short, every: 20, gate);

        Report(method, _mistakes.Take(20), wrong: false);
        var admitted = gate.ProductionError!.Value;
        var before = method.Predict(_slice.Images);
        Report(method, _mistakes.Skip(20).Take(20), wrong: true);

        Assert.Equal(1, gate.Refused);
        Assert.Equal(admitted, gate.ProductionError);
        Assert.Equal(before, method.Predict(_slice.Images));
    }

    [Fact]
    public void Should_refuse_in_naive_consolidation_what_costs_more_than_the_clean_limit()
    {
        // Clean images reported with wrong labels: learning them costs clean error, which the limit does not allow.
        using var validation = _toy.CleanTest.Take(100);
        using var limited = new ConsolidationMethod(_toy.Start, _toy.CleanTrain, Short, every: 20, cleanLimit: new CleanLimit(_toy.Start, validation, 0.3, []));
        using var unlimited = new ConsolidationMethod(_toy.Start, _toy.CleanTrain, Short, every: 20);
        var before = limited.Predict(validation.Images);
        var labels = _toy.CleanTest.LabelValues();
        foreach (var method in new ICorrectionMethod[] { limited, unlimited })
        {
            foreach (var i in Enumerable.Range(100, 20))
            {
                method.Correct(_toy.CleanTest.ImageValues(i), (labels[i] + 1) % 3);
            }
        }

        var startError = Metrics.ErrorRate(_toy.Start, validation);
        Assert.True(Error(unlimited, validation) > startError + 0.003, $"the wrong labels should cost clean error: {100 * startError:F1} → {100 * Error(unlimited, validation):F1} %");
        Assert.Equal(before, limited.Predict(validation.Images));
    }

    [Fact]
    public void Should_admit_part_of_the_way_what_costs_more_than_the_clean_limit_in_full()
    {
        using var reference = _toy.CleanTrain.Take(200);
        using var validation = _toy.CleanTest.Take(100);
        var options = new LifelongOptions { Memory = new MemoryOptions { KeyStage = 1 }, ConsolidateEvery = 20, CleanLimitPp = 0.3, InterpolationShares = [], Consolidation = Short };
        using var refusing = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, reference, validation, options);
        using var interpolating = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, reference, validation, options with { InterpolationShares = [0.5, 0.01] });
        var labels = _toy.CleanTest.LabelValues();
        var wrong = Enumerable.Range(100, 20).ToList();
        foreach (var method in new[] { refusing, interpolating })
        {
            foreach (var i in wrong)
            {
                method.Correct(_toy.CleanTest.ImageValues(i), (labels[i] + 1) % 3);
            }
        }

        Assert.Equal((0, 1), (refusing.Consolidations, refusing.Refused));
        Assert.Equal((1, 1), (interpolating.Consolidations, interpolating.Interpolated));
        // Production's weights moved (a little), and its rebuilt memory still keeps every report in effect.
        using var images = _toy.CleanTest.Select([.. wrong.Select(i => (long)i)]);
        Assert.NotEqual(refusing.PredictByWeights(_toy.ShiftedTest.Images), interpolating.PredictByWeights(_toy.ShiftedTest.Images));
        Assert.Equal(wrong.Select(i => (labels[i] + 1) % 3), interpolating.Predict(images.Images));
    }

    [Fact]
    public void Should_admit_part_of_the_way_in_naive_consolidation_by_the_same_rule()
    {
        using var validation = _toy.CleanTest.Take(100);
        var limit = new CleanLimit(_toy.Start, validation, 0.3, [0.5, 0.01]);
        using var interpolating = new ConsolidationMethod(_toy.Start, _toy.CleanTrain, Short, every: 20, cleanLimit: limit);
        using var start = new FixedModel("none", _toy.Start);
        var labels = _toy.CleanTest.LabelValues();
        foreach (var i in Enumerable.Range(100, 20))
        {
            interpolating.Correct(_toy.CleanTest.ImageValues(i), (labels[i] + 1) % 3);
        }

        Assert.Equal(1, limit.PartWay);
        Assert.True(Error(interpolating, validation) <= Metrics.ErrorRate(_toy.Start, validation) + 0.003, "a version admitted part of the way keeps the clean limit");
        Assert.NotEqual(start.Predict(_toy.ShiftedTest.Images), interpolating.Predict(_toy.ShiftedTest.Images));
    }

    [Fact]
    public void Should_admit_a_consolidation_that_costs_exactly_the_limit()
    {
        using var candidate = Harmful();
        // A size at which the cost in pp, from two error rates, lands above the same count of images as a share.
        var (size, exact) = Enumerable.Range(20, 81).Select(n => (n, Exact(candidate, n))).First(t => t.Item2.Exact > 0 && t.Item2.FromRates > t.Item2.Exact);
        using var validation = _toy.CleanTest.Take(size);
        var limit = new CleanLimit(_toy.Start, validation, exact.Exact, []);

        Assert.Same(candidate, limit.Admit(_toy.Start, candidate));
    }

    [Fact]
    public void Should_try_one_version_per_step_and_dispose_what_it_does_not_hand_over()
    {
        var candidate = Harmful();
        using var validation = _toy.CleanTest.Take(100);
        var limit = new CleanLimit(_toy.Start, validation, 0.3, [0.9, 1e-6]);

        using (var admission = limit.Begin(_toy.Start, candidate))
        {
            var tried = new List<int>();
            while (!admission.Decided)
            {
                admission.Step();
                tried.Add(limit.Tried.Count);
            }
            Assert.Equal([1, 2, 3], tried);
            using var admitted = admission.Take();
            Assert.NotNull(admitted);
            Assert.NotSame(candidate, admitted);
            Assert.Equal((1, 1e-6), (limit.PartWay, limit.Tried[^1].Share));
        }
        // The consolidation itself was not admitted, so the admission disposed of it.
        Assert.Throws<InvalidOperationException>(() => candidate.Device);
    }

    // A version that answers some clean images wrongly which the start answers right: trained towards wrong labels.
    private EditableModel Harmful()
    {
        var candidate = _toy.Start.Clone();
        using var wrongLabels = _toy.CleanTest.Take(60);
        var set = new CorrectionSet([.. _toy.Start.Architecture.InputShape.Select(d => (int)d)]);
        foreach (var i in Enumerable.Range(0, wrongLabels.Count))
        {
            set.Add(wrongLabels.ImageValues(i), (wrongLabels.LabelValues()[i] + 1) % 3);
        }
        Consolidation.Run(candidate, set, _toy.CleanTrain, _toy.Start, Short with { AnchorCoefficient = 0 });
        return candidate;
    }

    private (double Exact, double FromRates) Exact(EditableModel candidate, int size)
    {
        using var validation = _toy.CleanTest.Take(size);
        var (start, own) = (Metrics.ErrorRate(_toy.Start, validation), Metrics.ErrorRate(candidate, validation));
        var extra = (int)Math.Round((own - start) * size);
        return (100.0 * extra / size, Metrics.DrawdownPp(start, own));
    }

    private static double Error(ICorrectionMethod method, LabeledImages data) =>
        method.Predict(data.Images).Zip(data.LabelValues()).Count(p => p.First != p.Second) / (double)data.Count;

    private static readonly ConsolidationOptions Short = new() { Steps = 150, LearningRate = 1e-2, CorrectionBatch = 16, CleanBatch = 16, CropPadding = 0, HorizontalFlip = false };

    private void Report(ICorrectionMethod method, IEnumerable<int> indices, bool wrong)
    {
        foreach (var i in indices)
        {
            method.Correct(_toy.ShiftedTrain.ImageValues(i), wrong ? (_labels[i] + 1) % 3 : _labels[i]);
        }
    }

    private double Error(EditableModel model) => Metrics.ErrorRate(model, _slice);

    public void Dispose()
    {
        _slice.Dispose();
        _toy.Dispose();
    }
}
