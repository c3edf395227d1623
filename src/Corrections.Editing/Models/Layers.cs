using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Models;

/// <summary>Parameter specs and functional forwards shared by the stages.</summary>
internal static class Layers
{
    public const double BatchNormMomentum = 0.1;
    public const double BatchNormEpsilon = 1e-5;

    public static ParameterSpec ConvWeight(string name, long inChannels, long outChannels, long kernel, ParameterInit init) =>
        new($"{name}.weight", [outChannels, inChannels, kernel, kernel], init, inChannels * kernel * kernel, outChannels * kernel * kernel);

    public static ParameterSpec Bias(string name, long size, long fanIn) =>
        new($"{name}.bias", [size], ParameterInit.UniformFanIn, fanIn, size);

    public static ParameterSpec[] BatchNormParameters(string name, long channels) =>
    [
        new($"{name}.weight", [channels], ParameterInit.Ones, channels, channels),
        new($"{name}.bias", [channels], ParameterInit.Zeros, channels, channels),
    ];

    public static ParameterSpec[] BatchNormBuffers(string name, long channels) =>
    [
        new($"{name}.running_mean", [channels], ParameterInit.Zeros, channels, channels),
        new($"{name}.running_var", [channels], ParameterInit.Ones, channels, channels),
    ];

    /// <summary>
    /// BatchNorm whose running statistics are touched only in <see cref="StatisticsMode.Batch"/> mode: TorchSharp's
    /// batch_norm(training: true) updates them in place, which must never happen in editor or control forwards.
    /// </summary>
    public static torch.Tensor BatchNorm(torch.Tensor x, torch.Tensor weight, torch.Tensor bias, torch.Tensor runningMean, torch.Tensor runningVar, StatisticsMode mode) =>
        batch_norm(x, runningMean, runningVar, weight, bias, training: mode == StatisticsMode.Batch, momentum: BatchNormMomentum, eps: BatchNormEpsilon);

    public static torch.Tensor Conv(torch.Tensor x, torch.Tensor weight, torch.Tensor? bias, long stride, long padding) =>
        conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding]);
}
