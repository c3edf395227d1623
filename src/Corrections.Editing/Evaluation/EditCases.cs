using Corrections.Editing.Data;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>Which inputs a protocol edits and towards which labels; all draws are seeded.</summary>
public static class EditCases
{
    /// <summary>The paper's protocol: random inputs, each towards a random class other than the model's prediction.</summary>
    public static IReadOnlyList<EditCase> Random(EditableModel model, LabeledImages source, int count, long seed)
    {
        var rng = new Random((int)seed);
        var indices = Enumerable.Range(0, count).Select(_ => (long)rng.Next(source.Count)).ToArray();
        return WithTargets(model, source, indices, new UniformEditTargets(), seed);
    }

    /// <summary>Natural corrections: inputs the model gets wrong, towards their true labels (seeded order).</summary>
    public static IReadOnlyList<EditCase> Mistakes(EditableModel model, LabeledImages source, int count, long seed)
    {
        using var scope = NewDisposeScope();
        var predictions = model.Logits(source.Images).argmax(1).cpu();
        var wrong = predictions.ne(source.Labels).nonzero().squeeze(1).data<long>().ToArray();
        new Random((int)seed).Shuffle(wrong);
        var labels = source.Labels.data<long>();
        return wrong.Take(count).Select(i => new EditCase((int)i, labels[i])).ToList();
    }

    private static List<EditCase> WithTargets(EditableModel model, LabeledImages source, long[] indices, EditTargets policy, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var (images, labels) = source.Batch(indices);
        var logits = model.Logits(images);
        var targets = policy.Draw(logits, labels, generator).cpu().data<long>().ToArray();
        return indices.Select((i, k) => new EditCase((int)i, targets[k])).ToList();
    }
}
