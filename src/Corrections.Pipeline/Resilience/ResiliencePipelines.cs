using Corrections.Pipeline.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Corrections.Pipeline.Resilience;

/// <summary>
/// The Polly pipelines around what the pipeline depends on: Postgres, the model store and publishing to the broker.
/// Each retries transient failures with jittered exponential back-off, opens a circuit when a dependency keeps
/// failing (so consumers fail fast and MassTransit redelivers later), and bounds every attempt with a timeout. Every
/// retry, opened circuit and timeout is logged and counted (<c>corrections.resilience.events</c>).
/// </summary>
public sealed class ResiliencePipelines
{
    public ResiliencePipelines(IOptions<ResilienceOptions> options, PipelineMetrics metrics, ILogger<ResiliencePipelines> log)
    {
        Postgres = Build("postgres", options.Value.Postgres, new PredicateBuilder().Handle<Exception>(IsTransientDatabaseError), metrics, log);
        ModelStore = Build("model-store", options.Value.ModelStore, new PredicateBuilder().Handle<IOException>().Handle<TimeoutRejectedException>(), metrics, log);
        Publish = Build("publish", options.Value.Publish, new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException and not ArgumentException), metrics, log);
    }

    public ResiliencePipeline Postgres { get; }

    public ResiliencePipeline ModelStore { get; }

    public ResiliencePipeline Publish { get; }

    /// <summary>Connection losses, restarts and timeouts; never a constraint violation or a bad query.</summary>
    public static bool IsTransientDatabaseError(Exception e) => e switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        DbUpdateException { InnerException: NpgsqlException inner } => inner.IsTransient,
        InvalidOperationException { InnerException: NpgsqlException inner } => inner.IsTransient,
        TimeoutException or TimeoutRejectedException => true,
        _ => false,
    };

    private static ResiliencePipeline Build(string name, ResiliencePolicy policy, PredicateBuilder<object> handles, PipelineMetrics metrics, ILogger log) =>
        new ResiliencePipelineBuilder { Name = name }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handles,
                MaxRetryAttempts = Math.Max(policy.MaxRetries, 1),
                Delay = TimeSpan.FromMilliseconds(policy.BaseDelayMs),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    metrics.Resilience(name, "retry");
                    log.LogWarning(args.Outcome.Exception, "{Dependency}: attempt {Attempt} failed, retrying in {Delay} ms", name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handles,
                FailureRatio = policy.BreakFailureRatio,
                SamplingDuration = TimeSpan.FromSeconds(policy.SamplingSeconds),
                MinimumThroughput = policy.MinimumThroughput,
                BreakDuration = TimeSpan.FromSeconds(policy.BreakSeconds),
                OnOpened = args =>
                {
                    metrics.Resilience(name, "circuit-opened");
                    log.LogError(args.Outcome.Exception, "{Dependency}: circuit opened for {Seconds} s", name, args.BreakDuration.TotalSeconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    metrics.Resilience(name, "circuit-closed");
                    log.LogInformation("{Dependency}: circuit closed", name);
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = TimeSpan.FromSeconds(policy.TimeoutSeconds),
                OnTimeout = _ =>
                {
                    metrics.Resilience(name, "timeout");
                    return default;
                },
            })
            .Build();
}
