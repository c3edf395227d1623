using System.Diagnostics;
using Corrections.Editing.Correcting;
using Corrections.Editing.Evaluation;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// The lifelong protocol: monitoring reports the mistakes production makes on shifted inputs, one after another, with
/// their true labels, and the method corrects each as it comes. The next report is always the next shifted training
/// image (in a seeded order) that the method's <em>current</em> production gets wrong, so a method that learns the
/// shift sees fewer mistakes to report. Every <see cref="StreamOptions.Every"/> reports the figures of
/// <see cref="StreamCheckpoint"/> are measured on splits nobody reported.
/// </summary>
public static class CorrectionStream
{
    // Candidates predicted together while looking for the next mistake: one forward pass instead of 64.
    private const int Lookahead = 64;

    public static StreamResult Run(ICorrectionMethod method, StreamData data, StreamOptions options, IProgress<StreamProgress>? progress = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var train = data.ShiftedTrain;
        var shape = train.ImageShape.Select(d => (int)d).ToArray();
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random((int)(options.Seed % int.MaxValue)).Shuffle(order);
        var labels = train.LabelValues();
        var reported = new CorrectionSet(shape);
        var checkpoints = new List<StreamCheckpoint>();
        var latencies = new List<double>();
        var (effective, scanned, position, served) = (0, 0, 0, 0);
        var correctTime = TimeSpan.Zero;

        checkpoints.Add(Measure(method, data, reported, options, effective, correctTime, scanned, served));
        while (reported.Count < options.Reports && position < order.Length)
        {
            var window = order.Skip(position).Take(Lookahead).Select(i => (long)i).ToArray();
            long[] predictions;
            using (var scope = NewDisposeScope())
            {
                var (images, _) = train.Batch(window);
                predictions = method.Predict(images);
            }
            var miss = -1;
            for (var i = 0; i < window.Length; i++)
            {
                if (predictions[i] != labels[window[i]])
                {
                    miss = i;
                    break;
                }
            }
            if (miss < 0)
            {
                position += window.Length;
                scanned += window.Length;
                served = Serve(method, data, served, scanned);
                continue;
            }
            position += miss + 1;
            scanned += miss + 1;
            // Traffic served while monitoring examined the images up to this report reaches the method before it does.
            served = Serve(method, data, served, scanned);
            var index = (int)window[miss];
            var input = train.ImageValues(index);
            var label = labels[index];
            var started = Stopwatch.GetTimestamp();
            method.Correct(input, label);
            var took = Stopwatch.GetElapsedTime(started);
            correctTime += took;
            latencies.Add(took.TotalMilliseconds);
            using (var scope = NewDisposeScope())
            {
                var (image, _) = train.Batch([index]);
                effective += method.Predict(image)[0] == label ? 1 : 0;
            }
            reported.Add(input, label);
            if (reported.Count % options.Every == 0)
            {
                checkpoints.Add(Measure(method, data, reported, options, effective, correctTime, scanned, served));
            }
            progress?.Report(new StreamProgress(method.Name, reported.Count, options.Reports, clock.Elapsed));
        }
        if (checkpoints[^1].Reports != reported.Count)
        {
            checkpoints.Add(Measure(method, data, reported, options, effective, correctTime, scanned, served));
        }
        return new StreamResult
        {
            Method = method.Name,
            Shift = data.Shift,
            Settings = method.Settings,
            Checkpoints = checkpoints,
            Exhausted = reported.Count < options.Reports,
            CorrectP50Ms = Metrics.Percentile(latencies, 50),
            CorrectP99Ms = Metrics.Percentile(latencies, 99),
            CorrectMaxMs = latencies.DefaultIfEmpty(double.NaN).Max(),
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Serves the method unexamined traffic up to one image for each of the <paramref name="scanned"/> images monitoring
    /// examined (while the traffic lasts); returns how many it has been served.
    /// </summary>
    private static int Serve(ICorrectionMethod method, StreamData data, int served, int scanned)
    {
        if (method is not IObservesTraffic observer || data.Traffic is not { } traffic)
        {
            return served;
        }
        var upTo = (int)Math.Min(scanned, traffic.shape[0]);
        if (upTo > served)
        {
            using var images = traffic.narrow(0, served, upTo - served);
            observer.Observe(images);
        }
        return Math.Max(served, upTo);
    }

    private static StreamCheckpoint Measure(ICorrectionMethod method, StreamData data, CorrectionSet reported, StreamOptions options, int effective, TimeSpan correctTime, int scanned, int served)
    {
        using var scope = NewDisposeScope();
        var retention = 100.0;
        var views = double.NaN;
        if (reported.Count > 0)
        {
            var (x, y) = reported.ToTensors();
            retention = 100.0 * Agreement(method.Predict(x), y.data<long>().ToArray());
            views = 100.0 * ViewsFollow(method, reported, options);
        }
        return new StreamCheckpoint
        {
            Reports = reported.Count,
            ShiftedErrorPct = 100.0 * (1 - Agreement(method.Predict(data.ShiftedTest.Images), data.ShiftedTest.LabelValues())),
            CleanErrorPct = 100.0 * (1 - Agreement(method.Predict(data.CleanTest.Images), data.CleanTest.LabelValues())),
            RetentionPct = retention,
            EffectivePct = reported.Count == 0 ? 100.0 : 100.0 * effective / reported.Count,
            ViewsPct = views,
            CorrectSeconds = correctTime.TotalSeconds,
            Scanned = scanned,
            TrafficServed = served,
            WeightsShiftedErrorPct = method is IRemembers remembers
                ? 100.0 * (1 - Agreement(remembers.PredictByWeights(data.ShiftedTest.Images), data.ShiftedTest.LabelValues()))
                : double.NaN,
            MemoryEntries = (method as IRemembers)?.MemoryEntries,
        };
    }

    /// <summary>
    /// Augmented views of a fixed sample of the reported inputs (every k-th, so the sample spans the whole stream so
    /// far), predicted as their corrected labels: a correction that holds only for the exact pixels is a lookup, not a fix.
    /// </summary>
    private static double ViewsFollow(ICorrectionMethod method, CorrectionSet reported, StreamOptions options)
    {
        var stride = Math.Max(1, reported.Count / options.ViewSample);
        var sample = Enumerable.Range(0, reported.Count).Where(i => i % stride == 0).Take(options.ViewSample).ToList();
        using var generator = new Generator((ulong)options.Seed);
        var (x, y) = reported.Select(sample).ToTensors();
        var views = cat(Enumerable.Range(0, sample.Count).Select(i => EditProtocols.AugmentedViews(x.narrow(0, i, 1), options.Views, generator)).ToList(), 0);
        var wanted = y.repeat_interleave(options.Views).data<long>().ToArray();
        return Agreement(method.Predict(views), wanted);
    }

    private static double Agreement(long[] predictions, long[] labels) =>
        predictions.Length == 0 ? 1.0 : predictions.Where((p, i) => p == labels[i]).Count() / (double)predictions.Length;
}
