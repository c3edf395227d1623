using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Tests;

/// <summary>Compute:Device as a host reads it: resolved at start, a GPU asked for and missing refused in one line.</summary>
public class When_a_compute_device_is_configured
{
    [Fact]
    public void Should_refuse_a_gpu_the_cpu_build_does_not_see()
    {
        using var provider = Host(("Compute:Device", "cuda"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ComputeOptions>>().Value);

        Assert.Contains("libtorch sees no CUDA device", error.Message, StringComparison.Ordinal);
        Assert.Contains("-p:TorchBackend=cuda", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_word_that_names_no_device()
    {
        using var provider = Host(("Compute:Device", "tpu"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ComputeOptions>>().Value);

        Assert.Contains("cpu, cuda, cuda:N or auto", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    public void Should_load_models_onto_the_cpu_here_by_default_and_under_auto(string? setting)
    {
        using var provider = setting is null ? Host() : Host(("Compute:Device", setting));

        var store = provider.GetRequiredService<Corrections.Editing.Persistence.ModelStore>();

        Assert.Equal("cpu", provider.GetRequiredService<Corrections.Editing.ComputeDevice>().Name);
        Assert.Equal(TorchSharp.DeviceType.CPU, store.Device.type);
    }

    private static ServiceProvider Host(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddCorrectionsPipeline(configuration).BuildServiceProvider();
    }
}
