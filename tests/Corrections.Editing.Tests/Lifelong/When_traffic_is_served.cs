using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Lifelong.Methods;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Lifelong;

/// <summary>
/// Unexamined traffic: shifted inputs production serves that monitoring never looks at, without labels. The stream
/// serves one for each image monitoring examines; a method keeps the recent ones and trains on those production
/// answers confidently, pseudo-labelled with its answers.
/// </summary>
public class When_traffic_is_served : IDisposable
{
    private readonly ToyShift _toy = new();
    private readonly LabeledImages _traffic = ToyShift.Mirrored(TinyModels.Blobs(1200, 3, seed: 15));
    private static readonly StreamOptions Options = new() { Reports = 60, Every = 20, ViewSample = 20 };

    [Fact]
    public void Should_serve_one_unexamined_image_for_each_examined_one_in_order()
    {
        using var small = _traffic.Take(50);
        using var recorder = new Recorder(_toy.Start);
        var result = CorrectionStream.Run(recorder, _toy.Data with { Traffic = _traffic.Images }, Options);
        using var cut = new Recorder(_toy.Start);
        var cutResult = CorrectionStream.Run(cut, _toy.Data with { Traffic = small.Images }, Options);

        Assert.Equal(Math.Min(result.End.Scanned, _traffic.Count), result.End.TrafficServed);
        Assert.Equal(result.End.TrafficServed, recorder.Served);
        Assert.True(recorder.InOrder(_traffic.Images), "the traffic should arrive in its order, each image once");
        Assert.Equal(result.Checkpoints.Select(c => Math.Min(c.Scanned, _traffic.Count)), result.Checkpoints.Select(c => c.TrafficServed));
        // Served while it lasts, and the stream goes on without it.
        Assert.Equal(50, cutResult.End.TrafficServed);
        Assert.Equal(Options.Reports, cutResult.End.Reports);
    }

    [Fact]
    public void Should_serve_nothing_to_a_method_that_does_not_observe_it()
    {
        using var cache = new LookupCacheMethod(_toy.Start);
        var result = CorrectionStream.Run(cache, _toy.Data with { Traffic = _traffic.Images }, Options);

        Assert.All(result.Checkpoints, c => Assert.Equal(0, c.TrafficServed));
    }

    [Fact]
    public void Should_label_only_what_production_answers_confidently_with_its_answer()
    {
        using var traffic = new ObservedTraffic(confidence: 0.9);
        traffic.Add(_traffic.Images);
        using var labelled = traffic.Labelled(_toy.Start, _toy.CleanTrain.ClassNames);

        using var scope = NewDisposeScope();
        var (probability, answer) = _toy.Start.Logits(_traffic.Images).softmax(1).max(1);
        var confident = probability.ge(0.9).data<bool>().ToArray();
        var expected = answer.data<long>().Where((_, i) => confident[i]).ToArray();
        Assert.InRange(expected.Length, 1, _traffic.Count - 1);
        Assert.Equal(expected.Length, traffic.LastLabelled);
        Assert.Equal(expected, labelled!.LabelValues());
        Assert.True(Same(labelled.Images, _traffic.Images.index_select(0, nonzero(probability.ge(0.9)).flatten())));
    }

    [Fact]
    public void Should_keep_only_the_most_recent_images()
    {
        using var traffic = new ObservedTraffic(confidence: 0.01, capacity: 300);
        traffic.Add(_traffic.Images.narrow(0, 0, 300));
        traffic.Add(_traffic.Images.narrow(0, 300, 300));
        using var labelled = traffic.Labelled(_toy.Start, _toy.CleanTrain.ClassNames);

        Assert.Equal(300, traffic.Count);
        // At a confidence any answer reaches, every held image is labelled: exactly the second batch.
        Assert.True(Same(labelled!.Images, _traffic.Images.narrow(0, 300, 300)));
    }

    [Fact]
    public void Should_train_a_consolidation_on_the_pseudo_labelled_rows()
    {
        // Traffic "labelled" class 0 whatever it shows: a consolidation given it must move towards answering 0 there.
        var corrections = Mistakes(20);
        using var pseudo = new LabeledImages(_traffic.Images.narrow(0, 0, 300).clone(), zeros(300, dtype: ScalarType.Int64), _toy.CleanTrain.ClassNames);
        var options = new ConsolidationOptions { Steps = 100, LearningRate = 1e-2, CorrectionBatch = 8, CleanBatch = 16, PseudoBatch = 16, CropPadding = 0, HorizontalFlip = false };
        using var without = _toy.Start.Clone();
        Consolidation.Run(without, corrections, _toy.CleanTrain, _toy.Start, options);
        using var with = _toy.Start.Clone();
        Consolidation.Run(with, corrections, _toy.CleanTrain, _toy.Start, options, pseudo);

        var zeroWithout = Metrics.Predictions(without, pseudo).Count(p => p == 0);
        var zeroWith = Metrics.Predictions(with, pseudo).Count(p => p == 0);
        Assert.True(zeroWith > zeroWithout + 50, $"answers of 0 on the traffic: {zeroWith} with its pseudo-labels, {zeroWithout} without");
    }

    [Fact]
    public void Should_pseudo_label_only_after_the_first_consolidation_and_remember_only_the_reports()
    {
        using var reference = _toy.CleanTrain.Take(200);
        using var validation = _toy.CleanTest.Take(100);
        var options = new LifelongOptions
        {
            Memory = new MemoryOptions { KeyStage = 1 },
            ConsolidateEvery = 20,
            CleanLimitPp = 100,
            PseudoLabelConfidence = 0.9,
            Consolidation = new ConsolidationOptions { Steps = 60, LearningRate = 1e-2, CorrectionBatch = 16, CleanBatch = 16, PseudoBatch = 16, CropPadding = 0, HorizontalFlip = false },
        };
        using var method = new MemoryConsolidationMethod(_toy.Start, _toy.CleanTrain, reference, validation, options);
        method.Observe(_traffic.Images);
        var labels = _toy.ShiftedTrain.LabelValues();
        var mistakes = MistakeIndices(40);

        foreach (var i in mistakes.Take(20))
        {
            method.Correct(_toy.ShiftedTrain.ImageValues(i), labels[i]);
        }
        // The start model's confident answers on a new distribution are not trusted.
        Assert.Equal(1, method.Consolidations);
        Assert.Equal(0, method.PseudoLabelled);
        foreach (var i in mistakes.Skip(20))
        {
            method.Correct(_toy.ShiftedTrain.ImageValues(i), labels[i]);
        }
        Assert.Equal(2, method.Consolidations);
        Assert.InRange(method.PseudoLabelled, 1, _traffic.Count);
        // Pseudo-labels train the weights only: the memory holds reports, at most the 40 of them.
        Assert.InRange(method.MemoryEntries, 0, 40);
    }

    private List<int> MistakeIndices(int count)
    {
        var predicted = Metrics.Predictions(_toy.Start, _toy.ShiftedTrain);
        var labels = _toy.ShiftedTrain.LabelValues();
        return Enumerable.Range(0, _toy.ShiftedTrain.Count).Where(i => predicted[i] != labels[i]).Take(count).ToList();
    }

    private CorrectionSet Mistakes(int count)
    {
        var set = new CorrectionSet([1, 4, 4]);
        var labels = _toy.ShiftedTrain.LabelValues();
        foreach (var i in MistakeIndices(count))
        {
            set.Add(_toy.ShiftedTrain.ImageValues(i), labels[i]);
        }
        return set;
    }

    public void Dispose()
    {
        _traffic.Dispose();
        _toy.Dispose();
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>The lookup cache, recording the traffic it is served.</summary>
    private sealed class Recorder(EditableModel start) : ICorrectionMethod, IObservesTraffic
    {
        private readonly LookupCacheMethod _cache = new(start);
        private readonly List<Tensor> _seen = [];

        public string Name => "recorder";

        public IReadOnlyDictionary<string, string> Settings => _cache.Settings;

        public int Served => _seen.Sum(t => (int)t.shape[0]);

        public void Observe(Tensor images) => _seen.Add(images.clone().DetachFromDisposeScope());

        public bool InOrder(Tensor traffic)
        {
            using var scope = NewDisposeScope();
            return Served > 0 && Same(cat(_seen, 0), traffic.narrow(0, 0, Served));
        }

        public void Correct(ReadOnlySpan<float> input, long label) => _cache.Correct(input, label);

        public long[] Predict(Tensor images) => _cache.Predict(images);

        public void Dispose()
        {
            _cache.Dispose();
            _seen.ForEach(t => t.Dispose());
        }
    }
}
