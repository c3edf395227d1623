using System.Diagnostics;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// The real <c>corrections-worker</c> as a child process (built with the solution), so that a test can kill it the way
/// an OOM killer or a power cut would: SIGKILL, no shutdown hooks, no acknowledgements. With
/// <paramref name="networkNamespace"/> it runs inside that namespace (<c>ip netns exec</c>, which execs the worker in
/// place, so the process is the worker's).
/// </summary>
public sealed class WorkerProcess(IReadOnlyDictionary<string, string> environment, string? networkNamespace = null) : IDisposable
{
    private Process? _process;
    private readonly List<string> _log = [];

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Corrections.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    public static string WorkerDll()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(root, "src", "Corrections.Worker", "bin", configuration, "net10.0", "corrections-worker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
    }

    /// <summary>Starts the worker and waits until its bus is up.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var start = networkNamespace is null
            ? new ProcessStartInfo("dotnet", [WorkerDll()])
            : new ProcessStartInfo("ip", ["netns", "exec", networkNamespace, "dotnet", WorkerDll()]);
        (start.RedirectStandardOutput, start.RedirectStandardError, start.UseShellExecute) = (true, true, false);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker.");
        void Collect(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_log)
            {
                _log.Add(e.Data);
            }
            if (e.Data.Contains("Bus started", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }
        _process.OutputDataReceived += Collect;
        _process.ErrorDataReceived += Collect;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(timeout)) != ready.Task)
        {
            throw new InvalidOperationException($"The worker did not start within {timeout.TotalSeconds} s:\n{string.Join('\n', Log.TakeLast(30))}");
        }
    }

    /// <summary>Resident memory of the running worker and its peak since it started (VmRSS, VmHWM), or null when it is not running.</summary>
    public (long Resident, long Peak)? Memory()
    {
        try
        {
            if (_process is not { HasExited: false } process)
            {
                return null;
            }
            var fields = File.ReadLines($"/proc/{process.Id}/status")
                .Select(line => line.Split(':', 2))
                .Where(parts => parts.Length == 2 && parts[0] is "VmRSS" or "VmHWM")
                .ToDictionary(parts => parts[0], parts => long.Parse(parts[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024);
            return (fields["VmRSS"], fields["VmHWM"]);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or KeyNotFoundException)
        {
            // It exited between the check and the read.
            return null;
        }
    }

    /// <summary>SIGKILL: the process dies mid-whatever, holding unacknowledged messages and open transactions.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();
}
