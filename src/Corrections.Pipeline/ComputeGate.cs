using System.Collections.Concurrent;

namespace Corrections.Pipeline;

/// <summary>
/// One tensor workload at a time per process. libtorch already spreads each operation over every core; two callers at
/// once only make the OpenMP threads fight (10× slower on 2 cores), and cached models may only be evicted while nobody
/// uses them. Everything that touches a <see cref="Edits.ModelCache"/> model runs inside this gate.
/// <para>
/// Synchronous steps (<see cref="RunAsync{T}(Func{T}, CancellationToken)"/>, <see cref="Hold.Run{T}(Func{T})"/>) run on
/// one dedicated thread, not the thread pool: libtorch and the allocator keep per-thread scratch memory that they never
/// give back, so tensor work hopping over the pool's threads grew the worker by a few hundred MiB per new thread (the
/// fault suite's burst measured 0.5 → 2.2 GiB); on one thread it is paid once. The overload that takes an async
/// delegate (a retraining run) is the exception: it holds the gate but runs on the pool between its awaits.
/// </para>
/// </summary>
public sealed class ComputeGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public ComputeGate()
    {
        _thread = new Thread(() =>
        {
            foreach (var item in _work.GetConsumingEnumerable())
            {
                item();
            }
        })
        { IsBackground = true, Name = "corrections-compute" };
        _thread.Start();
    }

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            return await OnComputeThread(work);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The same, for work that awaits (database reads around a training run). Its synchronous parts run where the awaits
    /// resume; keep the tensor work in one synchronous step passed to <see cref="RunAsync{T}(Func{T}, CancellationToken)"/>
    /// where it is long.
    /// </summary>
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

    /// <summary>
    /// Holds the gate across awaits, for work that mixes database steps and tensor steps and must not let another
    /// workload in between; run the tensor steps through <see cref="Hold.Run{T}(Func{T})"/>. Take it before any
    /// Postgres chain lock, never while holding one: a retraining run holds the gate for minutes and then takes the
    /// chain lock to register its version, so a holder of the chain lock waiting for the gate would deadlock with it.
    /// </summary>
    public async Task<Hold> HoldAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        return new Hold(this);
    }

    /// <summary>The gate, held until disposed.</summary>
    public sealed class Hold(ComputeGate gate) : IDisposable
    {
        private int _released;

        /// <summary>Runs a tensor step on the compute thread, inside this hold.</summary>
        public Task<T> Run<T>(Func<T> work)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
            return gate.OnComputeThread(work);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate._gate.Release();
            }
        }
    }

    private Task<T> OnComputeThread<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
        _work.Dispose();
        _gate.Dispose();
    }
}
