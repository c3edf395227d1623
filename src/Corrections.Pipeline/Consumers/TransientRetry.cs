using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// The retry every pipeline endpoint uses for transient failures (a database restart, a lock timeout, an open circuit):
/// ten tries with exponential back-off from 200 ms to 30 s, about three minutes in all, then the message goes to the
/// endpoint's <c>_error</c> queue. Shorter (five tries up to 10 s) dead-lettered a good report when a database restart
/// outlasted it in the fault suite; the message stays unacknowledged meanwhile, so nothing is lost to a crash either.
/// </summary>
public static class TransientRetry
{
    public static void Configure(IRetryConfigurator retry) =>
        retry.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
}
