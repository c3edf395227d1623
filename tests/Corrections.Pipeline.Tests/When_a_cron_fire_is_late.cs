using Corrections.Pipeline.Scheduling;

namespace Corrections.Pipeline.Tests;

public class When_a_cron_fire_is_late
{
    private static readonly DateTimeOffset Due = new(2026, 11, 28, 8, 32, 42, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1_000)]
    public void Should_run_a_fire_within_the_misfire_threshold(int lateMs) =>
        Assert.False(RetrainingJobs.IsMissed(Due, Due.AddMilliseconds(lateMs), Threshold));

    [Theory]
    [InlineData(1_001)]
    [InlineData(2_055)] // the fire CI saw Quartz hand over after a run that outlasted the cron's period
    public void Should_drop_a_fire_later_than_the_misfire_threshold(int lateMs) =>
        Assert.True(RetrainingJobs.IsMissed(Due, Due.AddMilliseconds(lateMs), Threshold));

    [Fact]
    public void Should_run_a_fire_that_was_never_scheduled() =>
        Assert.False(RetrainingJobs.IsMissed(null, Due, Threshold));
}
