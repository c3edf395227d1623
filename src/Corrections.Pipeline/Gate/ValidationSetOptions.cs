using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// One validation set and its thresholds. Value thresholds bound the candidate itself; change thresholds bound the
/// difference to its parent, to the last base/retrain version, and to production — the TFX evaluator's two kinds.
/// </summary>
public sealed class ValidationSetOptions
{
    [Required, RegularExpression("^[a-z0-9][a-z0-9._-]{0,63}$")]
    public string Name { get; set; } = "";

    /// <summary><c>fashion-mnist</c>, <c>cifar10</c> or <c>image-folder</c> (NAE / ImageNet-A style).</summary>
    [Required]
    public string Format { get; set; } = "fashion-mnist";

    /// <summary>Directory of the data set files.</summary>
    [Required]
    public string Path { get; set; } = "";

    /// <summary><c>test</c> or <c>train</c>, for the formats that have splits.</summary>
    public string Split { get; set; } = "test";

    /// <summary>Examples skipped from the start: keeps validation apart from the inputs reports are drawn from.</summary>
    [Range(0, int.MaxValue)]
    public int Skip { get; set; }

    /// <summary>At most this many examples after <see cref="Skip"/>; 0 takes the rest.</summary>
    [Range(0, int.MaxValue)]
    public int Take { get; set; }

    /// <summary>
    /// For an <c>image-folder</c> set: leave out image files that cannot be decoded (counted, logged, and named in
    /// <c>/health</c>) instead of refusing to start. Off by default: a set silently smaller than configured measures
    /// every candidate on less than its operator thinks.
    /// </summary>
    public bool SkipUnreadable { get; set; }

    /// <summary>The models this set validates, by name; empty for every model whose input shape it fits.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Largest error increase against the parent version, in percentage points.</summary>
    public double MaxDrawdownPp { get; set; } = 1.0;

    /// <summary>
    /// Largest error increase against the last base or retrain version, in percentage points; for a retrain or a
    /// consolidation itself, against the chain's base, so that the budget cannot ratchet across them.
    /// </summary>
    public double MaxCumulativeDrawdownPp { get; set; } = 3.0;

    /// <summary>Largest error rate the candidate may have, as a fraction; null for no value threshold.</summary>
    public double? MaxErrorRate { get; set; }

    /// <summary>Largest error increase against the version production held, in percentage points; null for none.</summary>
    public double? MaxChangeVsProductionPp { get; set; }

    /// <summary>
    /// Largest error increase of any one class against the chain's base, in percentage points, for a retrain or a
    /// consolidation (an edit trades between two confusable classes by design and is bounded overall); null for none.
    /// Pinned to the base, not the parent, so it cannot ratchet across retrains.
    /// </summary>
    /// <remarks>15 pp: an honest retrain of the benchmark's model raised its worst class by 8.8 pp (bench/poisoning.sh).</remarks>
    public double? MaxClassDrawdownPp { get; set; } = 15.0;
}
