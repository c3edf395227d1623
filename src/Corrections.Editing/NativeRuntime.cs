using System.Runtime.InteropServices;

namespace Corrections.Editing;

/// <summary>
/// Process-wide settings libtorch needs before (or soon after) it loads. Call <see cref="Prepare"/> first thing in a
/// host's Main; <see cref="Models.Network"/> calls it too, for library users, but by then libtorch may already be loaded.
/// Both settings are made through libc, because .NET's Environment.SetEnvironmentVariable does not reach native code.
/// <para>
/// One rule no setting can enforce: hold every TorchSharp Scalar with <c>using var</c> until the native call that reads
/// it has returned, and never pass a number where TorchSharp takes a Scalar. The implicit conversion behind
/// <c>t.lt(p)</c>, <c>t.mul(0.5)</c>, <c>t * 0.5</c>, <c>1 - t</c>, <c>clamp(0, 1)</c> or <c>full_like(t, x)</c> makes a
/// temporary that is unreachable once its native handle has been read, so the finalizer thread can free the native
/// Scalar while libtorch still uses it, and the process dies with "Unknown scalar type" or a Scalar::toFloat check
/// (three long benchmark runs ended so). Dispose scopes do not track Scalars. Overloads that fill in a Scalar themselves
/// are the same trap: <c>add(Tensor)</c> and <c>add(Scalar)</c>, and so <c>a + b</c>, pass a default alpha of 1, and
/// <c>arange(stop)</c> a start and a step; pass held ones (<c>sub</c>, <c>mul</c> and <c>div</c> take none).
/// The same holds for a temporary tensor outside a dispose scope: in <c>t.detach().clone()</c> the detached tensor is
/// unreachable while <c>clone</c> runs, and the worker died of a segfault in <c>THSTensor_clone</c> so (two runs of
/// bench/models.sh; gdb showed the stack). Inside a dispose scope the scope holds every temporary; outside one, hold
/// each with <c>using var</c>.
/// </para>
/// </summary>
public static class NativeRuntime
{
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;
    private const string PrimitiveCacheCapacity = "16";
    private static int s_prepared;

    /// <summary>
    /// Tunes glibc malloc for libtorch's allocation pattern. libtorch's CPU allocator frees every activation after each
    /// step; glibc returns blocks of a few MB to the kernel (munmap, or trimming the heap top) and the next step
    /// page-faults them back in. On the CI machine that made a 1-channel 3×3 convolution over a 128-image batch take
    /// 45 ms instead of 0.5 ms, and training 4× slower overall. Keeping freed memory in the process (mmap threshold at
    /// glibc's maximum of 32 MB, trimming only above 1 GB) removes the faults. Opt out with CORRECTIONS_MALLOC_TUNING=0.
    /// Also lowers libtorch's C++ log level to errors (unless TORCH_CPP_LOG_LEVEL is set) and applies it: on CPUs
    /// without NNPACK support libtorch otherwise prints "Could not initialize NNPACK" on every small convolution.
    /// <para>
    /// Caps oneDNN's primitive cache (unless ONEDNN_PRIMITIVE_CACHE_CAPACITY is set). oneDNN compiles and keeps a
    /// convolution kernel, with its scratch memory, for every input shape it meets, 1,024 of them by default; a worker sees
    /// a new batch shape with almost every candidate (the earlier corrections grow), and the fault suite's
    /// 10,000-report burst grew it from 0.4 to 0.8 GiB and climbing. The shapes in steady use fit in far fewer.
    /// </para>
    /// </summary>
    public static void Prepare()
    {
        if (Interlocked.Exchange(ref s_prepared, 1) == 1 || !OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            SetEnv("TORCH_CPP_LOG_LEVEL", "ERROR", overwrite: 0);
            SetEnv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", PrimitiveCacheCapacity, overwrite: 0);
            ApplyLogLevel();
            if (Environment.GetEnvironmentVariable("CORRECTIONS_MALLOC_TUNING") != "0")
            {
                Mallopt(MmapThreshold, 32 << 20);
                Mallopt(TrimThreshold, 1 << 30);
                Mallopt(TopPad, 64 << 20);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, say): nothing to tune, and nothing breaks.
        }
    }

    /// <summary>
    /// c10 reads TORCH_CPP_LOG_LEVEL only in c10::initLogging(), which PyTorch's Python module calls and TorchSharp does
    /// not: without this call the variable has no effect, and the NNPACK warning fills the worker's log.
    /// </summary>
    private static void ApplyLogLevel()
    {
        try
        {
            InitC10Logging();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another libtorch build or name mangling: the warnings stay, nothing else changes.
        }
    }

    [DllImport("c10", EntryPoint = "_ZN3c1011initLoggingEv")]
    private static extern void InitC10Logging();

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);
}
