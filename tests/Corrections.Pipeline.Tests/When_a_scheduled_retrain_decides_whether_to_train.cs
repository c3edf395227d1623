using Corrections.Pipeline.Retraining;

namespace Corrections.Pipeline.Tests;

public class When_a_scheduled_retrain_decides_whether_to_train
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(200, 200, 1)]
    [InlineData(200, 250, 50)]
    public void Should_train_with_enough_corrections_and_one_never_tried(int minimum, int waiting, int neverTried) =>
        Assert.Null(new ScheduledCondition(minimum).Refusal(waiting, neverTried));

    [Fact]
    public void Should_wait_below_the_minimum() =>
        Assert.Equal((ScheduledCondition.NotYet, "not yet: 199 corrections to fold, fewer than the schedule's minimum of 200"), new ScheduledCondition(200).Refusal(199, 199));

    [Fact]
    public void Should_not_train_again_on_corrections_a_rejected_retrain_already_had() =>
        Assert.Equal(ScheduledCondition.NotAgain, new ScheduledCondition(1).Refusal(30, 0)?.Code);

    [Fact]
    public void Should_have_nothing_to_do_when_nothing_waits_by_hand_or_on_schedule()
    {
        Assert.Equal(RetrainOutcome.NothingToFold, ScheduledCondition.Skip(null, 0, 0)?.Code);
        Assert.Equal(RetrainOutcome.NothingToFold, ScheduledCondition.Skip(new ScheduledCondition(5), 0, 0)?.Code);
        Assert.Null(ScheduledCondition.Skip(null, 3, 0));
    }
}
