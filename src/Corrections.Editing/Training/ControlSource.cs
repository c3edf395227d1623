namespace Corrections.Editing.Training;

/// <summary>Where the stability (locality) term's control inputs come from.</summary>
public enum ControlSource
{
    /// <summary>The training minibatch itself: free activations when the network has no BatchNorm.</summary>
    Minibatch,

    /// <summary>A separate random batch of training data each step.</summary>
    Separate,
}
