namespace Corrections.Editing.Editors;

public enum EditLossKind
{
    /// <summary>relu(max_{c≠y} log p_c − log p_y): zero exactly when the target wins, as the official code uses.</summary>
    Margin,
    CrossEntropy,
}
