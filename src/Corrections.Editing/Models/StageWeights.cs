using TorchSharp;

namespace Corrections.Editing.Models;

/// <summary>A stage's window onto the network's flat parameter and buffer lists (which may hold edited tensors).</summary>
public readonly struct StageWeights(IReadOnlyList<torch.Tensor> parameters, int parameterOffset, IReadOnlyList<torch.Tensor> buffers, int bufferOffset)
{
    public torch.Tensor this[int index] => parameters[parameterOffset + index];

    public torch.Tensor Buffer(int index) => buffers[bufferOffset + index];
}
