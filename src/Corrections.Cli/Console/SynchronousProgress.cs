namespace Corrections.Cli.Console;

/// <summary>
/// IProgress that reports on the caller's thread. System.Progress posts to the thread pool, which would let reports
/// arrive out of order and after the work has finished.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
