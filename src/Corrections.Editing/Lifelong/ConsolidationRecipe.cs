using Corrections.Editing.Training;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// One way to fold corrections into the weights: the fine-tuning's options and the version its KL term anchors to.
/// The design's own recipe is <see cref="LifelongOptions.Consolidation"/> with <see cref="LifelongOptions.AnchorToPrevious"/>;
/// <see cref="LifelongOptions.Alternative"/> is a second one the shift's slice may prefer.
/// </summary>
public sealed record ConsolidationRecipe(string Name, ConsolidationOptions Consolidation, bool AnchorToPrevious);
