using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing;

/// <summary>
/// Where a process places its models: <c>cpu</c>, <c>cuda</c> (the first GPU), <c>cuda:N</c>, or <c>auto</c> (the first
/// GPU when libtorch sees one, else the CPU). Models, their editors and memories live on the device; data sets stay on
/// the CPU and travel to it a batch at a time. Resolved once, before any model is loaded, so that a GPU asked for and
/// missing stops the start with one line instead of a native error at the first edit.
/// </summary>
public sealed partial record ComputeDevice
{
    private ComputeDevice(string name, Device device)
    {
        Name = name;
        Device = device;
    }

    /// <summary>The device as libtorch writes it: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Name { get; }

    public Device Device { get; }

    public bool IsCuda => Device.type == DeviceType.CUDA;

    public static ComputeDevice Cpu { get; } = new("cpu", CPU);

    /// <summary>The settings' words for a device, for <c>--help</c> and error messages.</summary>
    public const string Choices = "cpu, cuda, cuda:N or auto";

    /// <summary>Resolves <paramref name="setting"/> against what libtorch sees on this machine.</summary>
    /// <exception cref="ArgumentException">
    /// The setting is not one of <see cref="Choices"/>, or asks for a GPU that libtorch does not see: a wrong value for
    /// this machine, worded for the user.
    /// </exception>
    public static ComputeDevice Resolve(string? setting) => Resolve(setting, CudaDevices);

    /// <summary>The same against <paramref name="cudaDevices"/> GPUs: the rules, apart from the machine.</summary>
    public static ComputeDevice Resolve(string? setting, int cudaDevices)
    {
        var text = (setting ?? "cpu").Trim().ToLowerInvariant();
        if (text is "" or "cpu")
        {
            return Cpu;
        }
        if (text == "auto")
        {
            return cudaDevices > 0 ? Cuda(0) : Cpu;
        }
        var match = CudaPattern().Match(text);
        if (!match.Success)
        {
            throw new ArgumentException($"Compute device '{setting}' is not one of {Choices}.");
        }
        var index = match.Groups[1].Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (cudaDevices == 0)
        {
            throw new ArgumentException(
                $"Compute device '{setting}': libtorch sees no CUDA device. The build must use the CUDA backend (dotnet build -p:TorchBackend=cuda) and the machine an NVIDIA driver; or use cpu or auto.");
        }
        if (index >= cudaDevices)
        {
            throw new ArgumentException($"Compute device '{setting}': libtorch sees {cudaDevices} CUDA device(s), numbered from 0.");
        }
        return Cuda(index);
    }

    /// <summary>How many GPUs libtorch sees: 0 with the CPU backend, whatever the machine has.</summary>
    public static int CudaDevices => cuda.is_available() ? cuda.device_count() : 0;

    public override string ToString() => Name;

    /// <summary>
    /// Whether two devices are one: by kind and number, since TorchSharp's <see cref="torch.Device"/> compares as an object
    /// and a tensor's device is a new one each time it is asked. <c>cuda</c> without a number is the first GPU.
    /// </summary>
    public static bool Same(Device a, Device b) =>
        a.type == b.type && (a.type == DeviceType.CPU || Math.Max(a.index, 0) == Math.Max(b.index, 0));

    private static ComputeDevice Cuda(int index) => new($"cuda:{index}", new Device(DeviceType.CUDA, index));

    [GeneratedRegex("^cuda(?::([0-9]{1,2}))?$")]
    private static partial Regex CudaPattern();
}
