namespace Corrections.Registry.Entities;

/// <summary>
/// How a version came to be: trained from data, patched by the editor (or given corrections in its memory), retrained
/// with corrections folded in, or consolidated: its memory and corrections folded into its weights by a short fine-tuning.
/// </summary>
public enum VersionKind
{
    Base,
    Edit,
    Retrain,
    Consolidation,
}
