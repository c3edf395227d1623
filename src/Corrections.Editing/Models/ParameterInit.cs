namespace Corrections.Editing.Models;

public enum ParameterInit
{
    /// <summary>U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for conv and linear layers.</summary>
    UniformFanIn,

    /// <summary>N(0, 2/fan_out): He initialisation for ReLU convolutions, as torchvision's ResNet uses.</summary>
    KaimingNormalFanOut,
    Ones,
    Zeros,
}
