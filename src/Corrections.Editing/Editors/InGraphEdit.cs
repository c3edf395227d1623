using static TorchSharp.torch;

namespace Corrections.Editing.Editors;

/// <summary>An edit made inside Editable Training's graph: everything here is differentiable.</summary>
public sealed record InGraphEdit(IReadOnlyList<Tensor> Parameters, Tensor FinalLoss, bool Success, int Steps);
