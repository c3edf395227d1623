using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// The retry every pipeline endpoint uses for transient failures (a database restart, a lock timeout): five tries with
/// exponential back-off from 200 ms to 10 s, then the message goes to the endpoint's <c>_error</c> queue.
/// </summary>
public static class TransientRetry
{
    public static void Configure(IRetryConfigurator retry) =>
        retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));
}
