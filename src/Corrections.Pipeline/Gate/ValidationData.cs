using System.Collections.Concurrent;
using Corrections.Editing.Data;
using Corrections.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// The configured validation sets, each loaded once on first use and kept: reading 10,000 images from disk costs more
/// than validating a candidate. A set that cannot be loaded throws <see cref="ValidationSetUnusableException"/> (the
/// warm-up lets it stop the worker at start) and is named in <see cref="States"/>. Only call <see cref="For"/> inside
/// the <see cref="ComputeGate"/>.
/// </summary>
public sealed class ValidationData(IOptions<ValidationOptions> options, ILogger<ValidationData> log) : IDisposable
{
    private readonly Dictionary<string, LabeledImages> _loaded = [];
    private readonly ConcurrentDictionary<string, ValidationSetState> _states = new();

    /// <summary>The sets loaded or tried so far, for the health check (read from any thread).</summary>
    public IReadOnlyCollection<ValidationSetState> States => [.. _states.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    public IReadOnlyList<ValidationSetOptions> Sets => options.Value.Sets;

    /// <summary>The sets a model is measured on: configured for it (or for all), same image shape, labels within its classes.</summary>
    public IEnumerable<(ValidationSetOptions Set, LabeledImages Data)> For(string model, int[] inputShape, int classCount)
    {
        foreach (var set in Sets.Where(s => s.Models.Count == 0 || s.Models.Contains(model, StringComparer.Ordinal)))
        {
            var data = Load(set, inputShape);
            if (data.ImageShape.SequenceEqual(inputShape.Select(d => (long)d)) && data.ClassCount <= classCount)
            {
                yield return (set, data);
            }
        }
    }

    private LabeledImages Load(ValidationSetOptions set, int[] inputShape)
    {
        if (_loaded.TryGetValue(set.Name, out var cached))
        {
            return cached;
        }
        var skipped = new List<string>();
        try
        {
            var data = LoadFromDisk(set, inputShape, skipped);
            _loaded[set.Name] = data;
            _states[set.Name] = new ValidationSetState(set.Name, data.Count, skipped, null);
            if (skipped.Count > 0)
            {
                log.LogWarning("Validation set {Set}: {Count} unreadable file(s) skipped: {Files}", set.Name, skipped.Count, string.Join("; ", skipped));
            }
            return data;
        }
        catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            var hint = set.Format == "image-folder" && !set.SkipUnreadable ? " (fix or remove the file, or set SkipUnreadable for this set)" : "";
            _states[set.Name] = new ValidationSetState(set.Name, 0, skipped, e.Message + hint);
            throw new ValidationSetUnusableException(set.Name, e.Message + hint, e);
        }
    }

    private static LabeledImages LoadFromDisk(ValidationSetOptions set, int[] inputShape, List<string> skipped)
    {
        var split = set.Split switch
        {
            "test" => DatasetSplit.Test,
            "train" => DatasetSplit.Train,
            _ => throw new InvalidOperationException($"Validation set '{set.Name}': split '{set.Split}' is neither test nor train."),
        };
        var all = set.Format switch
        {
            "fashion-mnist" => FashionMnist.Load(set.Path, split),
            "cifar10" => Cifar10.Load(set.Path, split),
            "image-folder" => ImageFolder.Load(set.Path, inputShape[0], inputShape[1], inputShape[2], null, set.SkipUnreadable ? skipped : null),
            _ => throw new InvalidOperationException($"Validation set '{set.Name}': format '{set.Format}' is not fashion-mnist, cifar10 or image-folder."),
        };
        using (all)
        {
            var end = set.Take > 0 ? Math.Min(all.Count, set.Skip + set.Take) : all.Count;
            if (set.Skip >= end)
            {
                throw new InvalidOperationException($"Validation set '{set.Name}' is empty after skipping {set.Skip} of {all.Count} examples.");
            }
            return all.Select([.. Enumerable.Range(set.Skip, end - set.Skip).Select(i => (long)i)]);
        }
    }

    public void Dispose()
    {
        foreach (var data in _loaded.Values)
        {
            data.Dispose();
        }
        _loaded.Clear();
    }
}
