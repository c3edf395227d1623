using Corrections.Pipeline.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Pipeline.Tests;

public class When_a_retraining_schedule_is_configured
{
    [Theory]
    [InlineData("m", "0 0 3 * * ?", "0", "MinCorrections")]
    [InlineData("../m", "0 0 3 * * ?", "1", "Model")]
    [InlineData("m", "every night", "1", "not a Quartz cron expression")]
    public void Should_refuse_an_invalid_entry_at_start(string model, string cron, string minCorrections, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retraining:Schedules:0:Model"] = model,
            ["Retraining:Schedules:0:Cron"] = cron,
            ["Retraining:Schedules:0:MinCorrections"] = minCorrections,
        }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddRetrainingScheduler(configuration, "Host=127.0.0.1;Database=unused"));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_a_valid_entry()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retraining:Schedules:0:Model"] = "m",
            ["Retraining:Schedules:0:Cron"] = "0 */5 * * * ?",
            ["Retraining:Schedules:0:MinCorrections"] = "200",
        }).Build();

        Assert.NotEmpty(new ServiceCollection().AddRetrainingScheduler(configuration, "Host=127.0.0.1;Database=unused"));
    }
}
