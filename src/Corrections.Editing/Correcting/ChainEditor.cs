using static TorchSharp.torch;

namespace Corrections.Editing.Correcting;

/// <summary>
/// Edits a version of a chain so that fresh corrections take while the chain's earlier corrections keep their labels:
/// sequential edits can undo each other, and a candidate that quietly breaks an earlier fix is not one to promote.
/// The whole batch is edited at once when the editor manages that, else correction by correction on top of each other,
/// keeping the ones that reach their label.
/// </summary>
public static class ChainEditor
{
    // Each round adds the earlier corrections the previous one broke; they rarely need more than two.
    private const int Rounds = 6;

    /// <param name="head">The version to edit; it is cloned, never changed.</param>
    /// <param name="fresh">The corrections this candidate makes.</param>
    /// <param name="earlier">The chain's earlier corrections, which every edit must keep.</param>
    /// <param name="maxSteps">The editor's step limit; 0 keeps the model's own.</param>
    public static CandidateEdit Edit(EditableModel head, CorrectionSet fresh, CorrectionSet earlier, int maxSteps = 0)
    {
        if (!fresh.ImageShape.SequenceEqual(earlier.ImageShape) || !fresh.ImageShape.Select(d => (long)d).SequenceEqual(head.Architecture.InputShape))
        {
            throw new ArgumentException($"Corrections of [{string.Join(", ", fresh.ImageShape)}] and [{string.Join(", ", earlier.ImageShape)}] do not fit a model of [{string.Join(", ", head.Architecture.InputShape)}].");
        }
        var candidate = head.Clone();
        try
        {
            if (maxSteps > 0)
            {
                candidate.Editor.LimitSteps(maxSteps);
            }
            var count = fresh.Count;
            var (x, y) = fresh.ToTensors();
            using var _x = x;
            using var _y = y;
            var (earlierX, earlierY) = earlier.ToTensors();
            using var kept = new EarlierCorrections(candidate, earlierX, earlierY);
            var edits = new CorrectionEdit[count];
            var batch = count == 0 ? null : EditKeeping(candidate, x, y, kept, count);
            if (batch is { Success: true })
            {
                Array.Fill(edits, batch);
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    using var xi = x.narrow(0, i, 1);
                    using var yi = y.narrow(0, i, 1);
                    edits[i] = EditKeeping(candidate, xi, yi, kept, 1);
                    if (edits[i].Success)
                    {
                        // This fix is now one the next edits in the batch must keep too.
                        kept.Add(xi, yi);
                    }
                }
            }
            if (!edits.Any(e => e.Success))
            {
                candidate.Dispose();
                return new CandidateEdit(null, edits);
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
    /// Edits <paramref name="model"/> in place so that <paramref name="x"/> gets <paramref name="y"/> without breaking the
    /// <paramref name="kept"/> corrections. Only the earlier corrections an edit would break join the next round's edit:
    /// most edits break none, and an editor trained for small edits fails on large batches it does not need.
    /// </summary>
    private static CorrectionEdit EditKeeping(EditableModel model, Tensor x, Tensor y, EarlierCorrections kept, int batchSize)
    {
        using var scope = NewDisposeScope();
        var (inputs, targets) = (x, y);
        var (steps, latency, loss) = (0, 0.0, double.NaN);
        for (var round = 0; round < Rounds; round++)
        {
            using var edit = model.Edit(inputs, targets);
            steps += edit.Steps;
            latency += edit.Latency.TotalMilliseconds;
            loss = edit.FinalLoss;
            if (!edit.Success)
            {
                break;
            }
            var broken = kept.BrokenBy(edit);
            if (broken is null)
            {
                model.Apply(edit);
                return new CorrectionEdit(true, steps, loss, latency, batchSize);
            }
            (inputs, targets) = (cat([inputs, kept.X.index_select(0, broken)]), cat([targets, kept.Y.index_select(0, broken)]));
        }
        return new CorrectionEdit(false, steps, loss, latency, batchSize, (int)(inputs.shape[0] - x.shape[0]));
    }
}
