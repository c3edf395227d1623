using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

internal static class Predictions
{
    public static long[] Of(EditableModel model, Tensor images)
    {
        using var scope = NewDisposeScope();
        return model.Logits(images).argmax(1).cpu().data<long>().ToArray();
    }

    public static Tensor Image(ReadOnlySpan<float> input, EditableModel model) =>
        tensor(input.ToArray(), [1, .. model.Architecture.InputShape]);
}
