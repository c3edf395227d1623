namespace Corrections.Registry.Entities;

/// <summary>A version's standing with the validation gate. Base and retrain versions registered by an operator start accepted.</summary>
public enum VersionStatus
{
    Pending,
    Accepted,
    Rejected,
}
