using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Chain;

/// <summary>
/// A registered version, and whether it waits for the gate: <see cref="GatedOnVersion"/> is the production version it
/// was registered on (its parent), null when it was promoted at once (a first version, or an override).
/// </summary>
public sealed record Registration(ModelVersion Version, int? GatedOnVersion)
{
    public bool AwaitsGate => GatedOnVersion is not null;

    /// <summary>The announcement that hands a gated version to the validation gate.</summary>
    public Contracts.CandidateCreated Announcement(string model, DateTimeOffset at) => new()
    {
        Model = model,
        Version = Version.Number,
        ParentVersion = GatedOnVersion ?? throw new InvalidOperationException($"v{Version.Number} of '{model}' was promoted without the gate."),
        ReportIds = [],
        CreatedAt = at,
    };
}
