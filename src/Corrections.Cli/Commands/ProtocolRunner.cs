using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;

namespace Corrections.Cli.Commands;

/// <summary>
/// Runs named protocols on one model. The paper protocol edits random test inputs and measures drawdown on the test
/// set (or its first N images). Natural corrections come from test[0, N/2) and are measured on test[N/2, N), so a
/// corrected input never counts towards its own drawdown.
/// </summary>
public static class ProtocolRunner
{
    public static readonly string[] All = ["paper", "natural", "sequential", "generalization"];

    public static IEnumerable<ProtocolResult> Run(string name, EditableModel model, LabeledImages test, IEnumerable<string> protocols, int edits, int? evalSubset, long seed)
    {
        using var split = new CorrectionSplit(test);
        var (pool, heldOut) = (split.Reports, split.HeldOut);
        using var subset = evalSubset is int n && n < test.Count ? test.Take(n) : null;
        var paperData = subset ?? test;
        foreach (var protocol in protocols)
        {
            yield return protocol switch
            {
                "paper" => WithSet(model, "test" + (evalSubset is null ? "" : $"[:{evalSubset}]"), paperData, set =>
                    EditProtocols.Independent("paper", name, set, paperData, EditCases.Random(model, paperData, edits, seed), Progress("paper", edits))),
                "natural" => WithSet(model, CorrectionSplit.HeldOutName, heldOut, set =>
                {
                    var cases = EditCases.Mistakes(model, pool, edits, seed);
                    return EditProtocols.Independent("natural", name, set, pool, cases, Progress("natural", cases.Count));
                }),
                "sequential" => WithSet(model, CorrectionSplit.HeldOutName, heldOut, set =>
                {
                    var cases = EditCases.Mistakes(model, pool, Math.Min(edits, 200), seed);
                    return EditProtocols.Sequential(name, set, pool, cases, Progress("sequential", cases.Count));
                }),
                "generalization" => WithSet(model, CorrectionSplit.HeldOutName, heldOut, set =>
                    EditProtocols.Generalization(name, set, pool, EditCases.Mistakes(model, pool, Math.Min(edits, 200), seed), seed: seed)),
                _ => throw new ArgumentException($"Unknown protocol '{protocol}'. Use {string.Join(", ", All)} or all."),
            };
        }
    }

    private static ProtocolResult WithSet(EditableModel model, string name, LabeledImages data, Func<EvaluationSet, ProtocolResult> run)
    {
        using var set = new EvaluationSet(name, model, data);
        return run(set);
    }

    private static IProgress<int> Progress(string title, int total)
    {
        var last = DateTime.UtcNow;
        return new Console.SynchronousProgress<int>(done =>
        {
            if (done == total || DateTime.UtcNow - last > TimeSpan.FromSeconds(5))
            {
                last = DateTime.UtcNow;
                System.Console.Error.WriteLine($"[{title}] {done}/{total} edits");
            }
        });
    }
}
