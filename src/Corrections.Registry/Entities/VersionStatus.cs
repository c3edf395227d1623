namespace Corrections.Registry.Entities;

/// <summary>A version's standing with the validation gate. Base and retrain versions registered by an operator start accepted.</summary>
public enum VersionStatus
{
    Pending,
    Accepted,
    Rejected,

    /// <summary>
    /// It passed the gate but carries a reviewed producer's correction: it waits for an operator (<c>corrections approve
    /// -m M -v N</c>) and takes production only then. The chain goes on meanwhile; only an operator's login may move a
    /// version out of this state.
    /// </summary>
    AwaitingApproval,
}
