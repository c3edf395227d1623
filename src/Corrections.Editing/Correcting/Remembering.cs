using System.Diagnostics;
using Corrections.Editing.Data;

namespace Corrections.Editing.Correcting;

/// <summary>
/// Builds a chain's next candidate by remembering corrections instead of editing weights: the candidate is the head's
/// weights with every fresh correction added to its <see cref="CorrectionMemory"/>, so each takes effect exactly and at
/// once, however it conflicts with earlier ones; a consolidation later folds them into the weights
/// (<see cref="Training.Consolidation.Fold"/>).
/// </summary>
public static class Remembering
{
    /// <param name="head">The version to build on; it is cloned, never changed.</param>
    /// <param name="fresh">The corrections the candidate makes.</param>
    /// <param name="reference">Clean inputs with their true labels that bound a new memory's radii (used when the head has none).</param>
    /// <param name="options">Where a new memory keys its entries.</param>
    public static CandidateEdit Candidate(EditableModel head, CorrectionSet fresh, LabeledImages reference, MemoryOptions options)
    {
        var shape = head.Architecture.InputShape;
        if (!fresh.ImageShape.Select(d => (long)d).SequenceEqual(shape) || !reference.ImageShape.SequenceEqual(shape))
        {
            throw new ArgumentException($"Corrections of [{string.Join(", ", fresh.ImageShape)}] and reference inputs of [{string.Join(", ", reference.ImageShape)}] do not fit a model of [{string.Join(", ", shape)}].");
        }
        var candidate = head.Clone();
        try
        {
            if (candidate.Memory is null)
            {
                var memory = new CorrectionMemory(options.KeyStageFor(candidate), options.RadiusScale, fresh.ImageShape);
                memory.Rebuild(candidate, new CorrectionSet(fresh.ImageShape), reference.Images, reference.Labels);
                candidate.Attach(memory);
            }
            var edits = new CorrectionEdit[fresh.Count];
            for (var i = 0; i < fresh.Count; i++)
            {
                var timer = Stopwatch.StartNew();
                candidate.Memory!.Add(candidate, fresh.Input(i), fresh.Labels[i]);
                edits[i] = new CorrectionEdit(true, 0, 0, timer.Elapsed.TotalMilliseconds, 1);
            }
            return new CandidateEdit(candidate, edits);
        }
        catch
        {
            candidate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds to <paramref name="model"/>'s memory each of <paramref name="corrections"/> it does not make yet: corrections
    /// that took effect while a consolidation trained (on the production before them) stay in effect in its result.
    /// Returns how many were added.
    /// </summary>
    public static int KeepMissing(EditableModel model, CorrectionSet corrections)
    {
        var memory = model.Memory ?? throw new InvalidOperationException("The model has no memory to keep corrections in.");
        var held = Evaluation.Metrics.Held(model, corrections);
        var added = 0;
        for (var i = 0; i < corrections.Count; i++)
        {
            if (!held[i])
            {
                memory.Add(model, corrections.Input(i), corrections.Labels[i]);
                added++;
            }
        }
        return added;
    }
}
