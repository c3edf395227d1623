using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Corrections.Pipeline.Tests;

public class When_a_dependency_fails
{
    private static ResiliencePipelines Pipelines(int retries = 3, int minimumThroughput = 100) =>
        new(Options.Create(new ResilienceOptions
        {
            Postgres = new ResiliencePolicy { MaxRetries = retries, BaseDelayMs = 1, MinimumThroughput = minimumThroughput, BreakSeconds = 60, TimeoutSeconds = 5 },
        }), new PipelineMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
        NullLogger<ResiliencePipelines>.Instance);

    [Fact]
    public async Task Should_retry_a_transient_database_error_until_it_succeeds()
    {
        var attempts = 0;

        var result = await Pipelines().Postgres.ExecuteAsync(_ => ++attempts < 3 ? throw new TimeoutException("connection lost") : ValueTask.FromResult(attempts));

        Assert.Equal(3, result);
    }

    [Fact]
    public async Task Should_not_retry_an_error_that_would_fail_the_same_way()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Pipelines().Postgres.ExecuteAsync<int>(_ => { attempts++; throw new InvalidOperationException("bad query"); }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Should_open_the_circuit_when_the_database_keeps_failing_and_then_fail_fast()
    {
        var pipelines = Pipelines(retries: 1, minimumThroughput: 2);
        var attempts = 0;
        ValueTask<int> Failing(CancellationToken _)
        {
            attempts++;
            throw new TimeoutException("database down");
        }

        await Assert.ThrowsAnyAsync<Exception>(async () => await pipelines.Postgres.ExecuteAsync(Failing));
        var before = attempts;
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipelines.Postgres.ExecuteAsync(Failing));

        Assert.Equal(before, attempts);
    }

    [Fact]
    public void Should_treat_only_connection_level_errors_as_transient()
    {
        Assert.True(ResiliencePipelines.IsTransientDatabaseError(new TimeoutException()));
        Assert.False(ResiliencePipelines.IsTransientDatabaseError(new InvalidOperationException()));
        Assert.False(ResiliencePipelines.IsTransientDatabaseError(new ArgumentException()));
    }
}
