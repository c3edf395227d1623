using System.Collections.Concurrent;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// The trigger probe's rates of each reference (base) version, per validation set: a base never changes, and every
/// retrain and consolidation of its chain is compared with it, so its ~100 stamped passes are made once per worker.
/// </summary>
public sealed class TriggerReferences
{
    private readonly ConcurrentDictionary<(long Version, string Set, int Images), double[,]> _rates = new();

    public double[,] For(long versionId, string set, EditableModel reference, LabeledImages images, TriggerProbeOptions options) =>
        _rates.GetOrAdd((versionId, set, options.Images), _ => TriggerProbe.Rates(reference, images, options));
}
