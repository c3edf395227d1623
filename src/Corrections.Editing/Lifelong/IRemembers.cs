using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// A method whose production answers from weights and a memory beside them: the stream then also measures the weights
/// alone, which tells what the method learned about the shift apart from what it remembers.
/// </summary>
public interface IRemembers
{
    /// <summary>What the current production's weights predict for raw images [N, C, H, W], the memory set aside.</summary>
    long[] PredictByWeights(Tensor images);

    /// <summary>Corrections the current production's memory holds.</summary>
    int MemoryEntries { get; }
}
