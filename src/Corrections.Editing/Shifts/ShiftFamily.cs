namespace Corrections.Editing.Shifts;

/// <summary>
/// The kinds of distribution shift the generator makes from clean images: what a new camera, lighting or wear does to
/// the inputs a deployed model sees. Each draws its strength per image, so a shifted split is a family, not one filter.
/// </summary>
public enum ShiftFamily
{
    /// <summary>Low contrast under a haze that brightens towards one edge.</summary>
    Fog,

    /// <summary>Additive Gaussian sensor noise.</summary>
    Noise,

    /// <summary>Rotated by 20–45 degrees either way.</summary>
    Rotation,

    /// <summary>A grey square hides part of the object.</summary>
    Occlusion,

    /// <summary>Out of focus (Gaussian blur); the shift the benchmarks tune hyperparameters on.</summary>
    Blur,
}
