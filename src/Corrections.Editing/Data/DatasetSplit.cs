namespace Corrections.Editing.Data;

/// <summary>Which published part of a benchmark dataset to load.</summary>
public enum DatasetSplit
{
    Train,
    Test,
}
