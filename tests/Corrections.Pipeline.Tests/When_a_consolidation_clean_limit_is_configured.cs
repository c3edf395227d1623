using Corrections.Pipeline.Retraining;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Tests;

/// <summary>Retraining:ConsolidationCleanLimitPp and ConsolidationInterpolationShares as a host reads them.</summary>
public class When_a_consolidation_clean_limit_is_configured
{
    [Fact]
    public void Should_hold_consolidations_to_the_designs_limit_with_three_shares_by_default()
    {
        using var provider = Host();

        var options = provider.GetRequiredService<IOptions<RetrainingOptions>>().Value;

        Assert.Equal(0.3, options.ConsolidationCleanLimitPp);
        Assert.Equal([0.75, 0.5, 0.25], options.Shares());
    }

    [Theory]
    [InlineData("none", new double[0])]
    [InlineData("0.5, .25", new[] { 0.5, 0.25 })]
    [InlineData("0.001", new[] { 0.001 })]
    public void Should_read_the_shares_tried_in_order(string setting, double[] shares)
    {
        using var provider = Host(("Retraining:ConsolidationInterpolationShares", setting));

        Assert.Equal(shares, provider.GetRequiredService<IOptions<RetrainingOptions>>().Value.Shares());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("1.5")]
    [InlineData("half")]
    [InlineData("0.5,")]
    public void Should_refuse_shares_outside_the_open_unit_interval_at_start(string setting)
    {
        using var provider = Host(("Retraining:ConsolidationInterpolationShares", setting));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RetrainingOptions>>().Value);

        Assert.Contains(nameof(RetrainingOptions.ConsolidationInterpolationShares), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_leave_consolidations_to_the_gate_when_the_limit_is_empty()
    {
        using var provider = Host(("Retraining:ConsolidationCleanLimitPp", ""));

        Assert.Null(provider.GetRequiredService<IOptions<RetrainingOptions>>().Value.ConsolidationCleanLimitPp);
    }

    private static ServiceProvider Host(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddCorrectionsPipeline(configuration).BuildServiceProvider();
    }
}
