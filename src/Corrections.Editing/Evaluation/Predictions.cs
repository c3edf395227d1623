using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>What a model predicts for raw inputs: its <c>k</c> most probable labels each, as serving would answer.</summary>
public static class Predictions
{
    /// <summary>The same for inputs each given as the model's input shape, flattened (as reports decode them).</summary>
    public static IReadOnlyList<IReadOnlyList<LabelProbability>> Top(EditableModel model, IReadOnlyList<float[]> inputs, int k)
    {
        var shape = new long[] { inputs.Count }.Concat(model.Architecture.InputShape).ToArray();
        using var raw = tensor(inputs.SelectMany(v => v).ToArray(), shape);
        return Top(model, raw, k);
    }

    /// <param name="model">The version to ask (its memory, if any, decides the inputs it covers).</param>
    /// <param name="raw">Inputs [N, C, H, W] in [0, 1], before normalisation.</param>
    /// <param name="k">How many labels per input (at most the class count).</param>
    public static IReadOnlyList<IReadOnlyList<LabelProbability>> Top(EditableModel model, Tensor raw, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        var probabilities = nn.functional.softmax(model.Logits(raw), 1);
        var (values, indices) = probabilities.topk(Math.Min(k, model.Architecture.ClassCount), dim: 1);
        var p = values.cpu().data<float>().ToArray();
        var labels = indices.cpu().data<long>().ToArray();
        var width = (int)values.shape[1];
        return [.. Enumerable.Range(0, (int)values.shape[0]).Select(i => (IReadOnlyList<LabelProbability>)
            [.. Enumerable.Range(0, width).Select(j => new LabelProbability((int)labels[i * width + j], p[i * width + j]))])];
    }
}
