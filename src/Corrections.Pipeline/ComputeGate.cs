namespace Corrections.Pipeline;

/// <summary>
/// One tensor workload at a time per process. libtorch already spreads each operation over every core; two callers at
/// once only make the OpenMP threads fight (10× slower on 2 cores), and cached models may only be evicted while nobody
/// uses them. Everything that touches a <see cref="Edits.ModelCache"/> model runs inside this gate.
/// </summary>
public sealed class ComputeGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            // Off the consumer's thread: the work is synchronous and may take a while.
            return await Task.Run(work, cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The same, for work that awaits (database reads around a training run).</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            return await Task.Run(work, cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
