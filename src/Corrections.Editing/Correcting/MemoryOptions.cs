namespace Corrections.Editing.Correcting;

/// <summary>Where a <see cref="CorrectionMemory"/> takes its keys and how far its radii reach.</summary>
public sealed record MemoryOptions
{
    /// <summary>The stage whose input keys the memory; null: the last stage (the penultimate activation).</summary>
    public int? KeyStage { get; init; }

    /// <inheritdoc cref="CorrectionMemory.RadiusScale"/>
    public double RadiusScale { get; init; } = 0.5;

    /// <summary>The key stage for <paramref name="model"/>.</summary>
    public int KeyStageFor(EditableModel model) => KeyStage ?? model.Architecture.Stages.Count - 1;
}
