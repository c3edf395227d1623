using System.ComponentModel.DataAnnotations;
using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Producers;

/// <summary>Section <c>Producers</c>: who may send reports when no producer row says otherwise.</summary>
public sealed class ProducerOptions
{
    public const string Section = "Producers";

    /// <summary>
    /// Accept reports nobody vouches for (no API key, no broker <c>user_id</c>). Off by default: a report changes
    /// production weights, so by default only a registered producer may send one.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>What anonymous reports may do when they are allowed at all: by default they are held for an operator.</summary>
    public ProducerTrust AnonymousTrust { get; set; } = ProducerTrust.Untrusted;

    /// <summary>The hourly quota a new producer gets unless `producers add` sets one.</summary>
    [Range(1, 10_000_000)]
    public int DefaultReportsPerHour { get; set; } = 10_000;

    /// <summary>The hourly quota per (model, correct label) a new producer gets unless `producers add` sets one.</summary>
    [Range(1, 10_000_000)]
    public int DefaultReportsPerLabelPerHour { get; set; } = 2_500;
}
