namespace Corrections.Registry.Entities;

/// <summary>Why a correction waits for retraining instead of being edited in (the code before the colon of its reason).</summary>
public enum BacklogCause
{
    /// <summary>Ingest deferred it: too many reports of the model already wait for an edit.</summary>
    Overload,

    /// <summary>The editor could not reach its label within its step limit.</summary>
    EditorFailed,

    /// <summary>The editor reached its label only by breaking earlier corrections of the chain.</summary>
    ConflictsWithEarlier,

    /// <summary>The gate rejected the candidate that carried it alone.</summary>
    CandidateRejected,

    /// <summary>It was applied, until revoking a producer rolled production back past the version that carried it.</summary>
    Withdrawn,
}
