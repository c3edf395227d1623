using Corrections.Registry.Entities;
using Corrections.Pipeline.Gate;

namespace Corrections.Pipeline.Tests;

public class When_the_gate_judges_a_candidate
{
    private static readonly ValidationOptions Options = new();
    private static readonly ValidationSetOptions Set = new() { Name = "held-out" };

    private static CandidateMeasurement Measured(double error, double parentError, double held = 1, double earlier = 1, int earlierCount = 10) =>
        new([new SetMeasurement(Set, 2000, error, parentError, parentError, parentError, 1)], held, earlier, earlierCount);

    [Fact]
    public void Should_pass_a_candidate_within_every_limit()
    {
        var judgement = GateRules.Judge(Measured(0.120, 0.115), Options, 1, 1, VersionKind.Edit);

        Assert.True(judgement.Passed);
        Assert.True(Assert.Single(judgement.Figures).Passed);
        Assert.Equal(0.5, judgement.Figures[0].DrawdownPp, 9);
    }

    [Fact]
    public void Should_reject_a_drawdown_beyond_the_limit_naming_set_and_figure()
    {
        var judgement = GateRules.Judge(Measured(0.130, 0.115), Options, 4, 4, VersionKind.Edit);

        Assert.False(judgement.Passed);
        Assert.Contains("held-out: drawdown vs v4 1.50 pp > 1 pp", judgement.Reasons);
    }

    [Fact]
    public void Should_hold_a_retrain_to_the_folded_share_in_the_verdict_and_in_its_row()
    {
        // 95 % of the folded corrections held: enough for a retrain (0.9), not for an edit (1.0). The row recorded for
        // a promoted retrain once used the edit's minimum and read "passed = false".
        var retrain = GateRules.Judge(Measured(0.115, 0.115, held: 0.95), Options, 3, 3, VersionKind.Retrain);
        var edit = GateRules.Judge(Measured(0.115, 0.115, held: 0.95), Options, 3, 3, VersionKind.Edit);

        Assert.True(retrain.Passed);
        Assert.True(retrain.OwnHeld);
        Assert.False(edit.Passed);
        Assert.False(edit.OwnHeld);
    }

    [Fact]
    public void Should_reject_a_candidate_that_breaks_earlier_corrections()
    {
        var judgement = GateRules.Judge(Measured(0.115, 0.115, earlier: 0.9), Options, 2, 2, VersionKind.Retrain);

        Assert.False(judgement.EarlierHeld);
        Assert.Contains(judgement.Reasons, r => r.StartsWith("earlier corrections: 90.0 % of 10 still hold", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_fail_closed_when_no_validation_set_was_measured()
    {
        var judgement = GateRules.Judge(new CandidateMeasurement([], 1, 1, 0), Options, 1, 1, VersionKind.Edit);

        Assert.False(judgement.Passed);
        Assert.Contains(judgement.Reasons, r => r.StartsWith("no validation set fits this model", StringComparison.Ordinal));
    }
}
