namespace Corrections.Registry.Entities;

/// <summary>How a version came to be: trained from data, patched by the editor, or retrained with corrections folded in.</summary>
public enum VersionKind
{
    Base,
    Edit,
    Retrain,
}
