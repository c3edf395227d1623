using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Compute;

/// <summary>
/// The rules of Compute:Device and --device, apart from the machine (the GPU count is given), and what this CPU build
/// sees. A CUDA machine runs the same code on a GPU: bench/gpu.sh.
/// </summary>
public class When_a_compute_device_is_chosen
{
    [Theory]
    [InlineData("cpu", 0, "cpu")]
    [InlineData("cpu", 2, "cpu")]
    [InlineData(null, 2, "cpu")]
    [InlineData("auto", 0, "cpu")]
    [InlineData("auto", 2, "cuda:0")]
    [InlineData("cuda", 1, "cuda:0")]
    [InlineData(" CUDA:1 ", 2, "cuda:1")]
    public void Should_place_models_where_the_setting_and_the_machine_say(string? setting, int gpus, string expected)
    {
        var device = ComputeDevice.Resolve(setting, gpus);

        Assert.Equal(expected, device.Name);
        Assert.Equal(expected != "cpu", device.IsCuda);
    }

    [Theory]
    [InlineData("cuda", 0, "sees no CUDA device")]
    [InlineData("cuda:0", 0, "-p:TorchBackend=cuda")]
    [InlineData("cuda:2", 2, "sees 2 CUDA device(s)")]
    [InlineData("gpu", 1, "is not one of cpu, cuda, cuda:N or auto")]
    [InlineData("cuda:-1", 1, "is not one of")]
    public void Should_refuse_a_device_this_machine_lacks_in_one_line(string setting, int gpus, string mentioning)
    {
        var error = Assert.Throws<ArgumentException>(() => ComputeDevice.Resolve(setting, gpus));

        Assert.Contains(mentioning, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        // Worded for the user, so the CLI shows it as one line instead of a bug's stack.
        Assert.Null(error.ParamName);
    }

    [Fact]
    public void Should_see_no_gpu_through_the_cpu_backend_and_compute_on_the_cpu_under_auto()
    {
        Assert.Equal(0, ComputeDevice.CudaDevices);
        Assert.Equal("cpu", ComputeDevice.Resolve("auto").Name);
        Assert.Throws<ArgumentException>(() => ComputeDevice.Resolve("cuda"));
    }

    [Fact]
    public void Should_compare_devices_by_kind_and_number_not_by_object()
    {
        using var t = zeros(1);

        // A tensor's device is a new object each time it is asked; TorchSharp's Device compares as an object.
        Assert.True(ComputeDevice.Same(t.device, CPU));
        Assert.True(ComputeDevice.Same(new Device(DeviceType.CUDA, -1), new Device(DeviceType.CUDA, 0)));
        Assert.False(ComputeDevice.Same(new Device(DeviceType.CUDA, 0), new Device(DeviceType.CUDA, 1)));
        Assert.False(ComputeDevice.Same(CPU, new Device(DeviceType.CUDA, 0)));
    }
}
