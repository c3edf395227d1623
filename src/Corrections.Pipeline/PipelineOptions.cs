using System.ComponentModel.DataAnnotations;
using Corrections.Pipeline.Storage;

namespace Corrections.Pipeline;

/// <summary>How the pipeline stores models, batches edits and names itself in the audit trail (section <c>Pipeline</c>).</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>
    /// Root of the model store. With <see cref="ArtifactStore"/> <c>directory</c> every worker and the CLI must see the
    /// same directory; with <c>postgres</c> it is this host's cache, and need not be shared.
    /// </summary>
    [Required]
    public string ModelStoreRoot { get; set; } = ".corrections/store";

    /// <summary>
    /// Where version files are kept for all hosts: <c>directory</c> (the embedded default: <see cref="ModelStoreRoot"/>
    /// alone) or <c>postgres</c> (the registry's database, so hosts need share only the broker and the database).
    /// </summary>
    public ArtifactStoreKind ArtifactStore { get; set; } = ArtifactStoreKind.Directory;

    /// <summary>The alias that edits build on and that passing candidates are promoted to.</summary>
    [Required, RegularExpression("^[a-z][a-z0-9-]{0,31}$")]
    public string Alias { get; set; } = "production";

    /// <summary>Written as created_by / actor in the registry; defaults to host name and process id.</summary>
    public string? WorkerName { get; set; }

    /// <summary>Largest report input accepted, tensor or encoded image, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxInputBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most reports edited into one candidate.</summary>
    [Range(1, 1024)]
    public int BatchMaxSize { get; set; } = 32;

    /// <summary>
    /// Most reports of one model that may wait for an edit. Beyond it, ingest stores a good report straight in the
    /// retraining backlog (reason <c>overload</c>) instead of queueing it for the editor: a burst larger than the editor
    /// can work through in about a minute is a job for retraining, and the queue, its latency and the worker's memory stay
    /// bounded. Concurrent ingest can overshoot it by its concurrency.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxWaitingReports { get; set; } = 1_000;

    /// <summary>How long the edit worker waits for more reports of a model before it edits a partial batch.</summary>
    [Range(0, 60_000)]
    public int BatchMaxWaitMs { get; set; } = 50;

    /// <summary>
    /// A new candidate is only built once the previous one was validated. A candidate still pending after this long has
    /// its <c>CandidateCreated</c> announced again, in case the first announcement was lost to a crash.
    /// </summary>
    [Range(100, 600_000)]
    public int RepublishPendingAfterMs { get; set; } = 5_000;

    /// <summary>
    /// How often each worker's <see cref="Chain.ChainSweep"/> looks for chains with work but no progress for
    /// <see cref="RepublishPendingAfterMs"/>, and sends them a <see cref="Contracts.ResumeChain"/>.
    /// </summary>
    [Range(100, 600_000)]
    public int SweepIntervalMs { get; set; } = 1_000;

    /// <summary>
    /// Earlier corrections (applied in the chain since its trained version) that each edit must keep, the most recent up
    /// to this many: an edit for one input can otherwise undo the fix for another (see <c>ChainEditor</c>).
    /// </summary>
    [Range(0, 4096)]
    public int EarlierCorrections { get; set; } = 256;

    /// <summary>
    /// Editor step limit when serving; 0 keeps the one the model was trained with. Serving can afford more steps than
    /// training did: a failed edit sends the correction to the backlog.
    /// </summary>
    [Range(0, 1000)]
    public int EditMaxSteps { get; set; }

    public string ResolvedWorkerName => string.IsNullOrWhiteSpace(WorkerName) ? $"{Environment.MachineName}:{Environment.ProcessId}" : WorkerName;
}
