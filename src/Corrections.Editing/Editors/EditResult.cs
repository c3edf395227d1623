using static TorchSharp.torch;

namespace Corrections.Editing.Editors;

/// <summary>
/// What an edit produced: θ̂ for the editable parameters (aligned with the subset's indices), whether every input got
/// its target, how many update steps it took, and the edit loss at the end. Owns <see cref="EditedParameters"/>.
/// </summary>
public sealed class EditResult(Tensor[] editedParameters, bool success, int steps, double finalLoss, TimeSpan latency) : IDisposable
{
    public IReadOnlyList<Tensor> EditedParameters { get; } = editedParameters;
    public bool Success { get; } = success;
    public int Steps { get; } = steps;
    public double FinalLoss { get; } = finalLoss;
    public TimeSpan Latency { get; } = latency;

    public void Dispose()
    {
        foreach (var p in EditedParameters)
        {
            p.Dispose();
        }
    }
}
