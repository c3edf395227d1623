namespace Corrections.Registry.Entities;

/// <summary>How far a producer's reports may go without an operator.</summary>
public enum ProducerTrust
{
    /// <summary>Its reports are edited in and promoted by the gate, like every report before producers existed.</summary>
    Trusted,

    /// <summary>Its reports are checked and stored, then held until an operator approves them.</summary>
    Reviewed,

    /// <summary>Its reports are stored and held; nothing of them reaches a model until an operator approves it.</summary>
    Untrusted,
}
