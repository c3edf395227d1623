namespace Corrections.Editing.Editors;

/// <summary>The editor's update rule: the paper compares these four.</summary>
public enum EditorKind
{
    GradientDescent,
    Momentum,
    RmsProp,
    Adam,
}
