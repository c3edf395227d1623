using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Edits;

/// <summary>
/// Which models keep their corrections in a memory instead of edited weights (section <c>Memory</c>), and how. For
/// those models the edit worker remembers every report at once (no report waits for retraining), and a consolidation
/// (<c>Retraining:Recipe</c> <c>consolidation</c>) folds the memory into the weights.
/// </summary>
public sealed class MemorySettings
{
    public const string Section = "Memory";

    /// <summary>Model names whose chains remember; <c>*</c> for every model. Empty: every chain is edited by the editor.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>
    /// The stage whose input keys the memory, by name (<c>head</c> for the small CNN); empty: the last stage. It must
    /// lie at or above the model's first editable stage, so the gate's cached features lead to the keys.
    /// </summary>
    public string? KeyStage { get; set; }

    /// <inheritdoc cref="Corrections.Editing.Correcting.CorrectionMemory.RadiusScale"/>
    [Range(1e-3, 1)]
    public double RadiusScale { get; set; } = 0.5;

    /// <summary>
    /// Clean training inputs, with their true labels, that bound every radius: <c>fashion-mnist</c> or <c>cifar10</c>, its
    /// directory, and how many of the training split (the benchmark's reference is its first 5,000). Never a
    /// validation set: the gate must judge the memory on inputs it did not shape.
    /// </summary>
    public string ReferenceFormat { get; set; } = "fashion-mnist";

    public string ReferencePath { get; set; } = Corrections.Editing.Data.FashionMnist.DefaultDirectory;

    [Range(1, 100_000)]
    public int ReferenceTake { get; set; } = 5000;

    public bool Remembers(string model) => Models.Contains("*") || Models.Contains(model);
}
