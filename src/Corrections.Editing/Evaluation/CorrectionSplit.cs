using Corrections.Editing.Data;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// Natural corrections are drawn from one half of a test set (<see cref="Reports"/>: the inputs monitoring would
/// report) and their drawdown is measured on the other (<see cref="HeldOut"/>), so that a corrected input never counts
/// towards its own drawdown. Owns both halves.
/// </summary>
public sealed class CorrectionSplit : IDisposable
{
    public CorrectionSplit(LabeledImages test)
    {
        var half = test.Count / 2;
        Reports = test.Take(half);
        HeldOut = test.Select(Enumerable.Range(half, test.Count - half).Select(i => (long)i).ToArray());
    }

    public const string HeldOutName = "test[second half]";

    public LabeledImages Reports { get; }
    public LabeledImages HeldOut { get; }

    public void Dispose()
    {
        Reports.Dispose();
        HeldOut.Dispose();
    }
}
