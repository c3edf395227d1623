using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>
/// A version part of the way from one set of weights to another: w = from + share · (to − from), as in weight-space
/// ensembling of a fine-tuned model with the one it started from (WiSE-FT, Wortsman et al., 2022). A consolidation
/// that learns a shift at too high a cost on the original distribution often keeps most of what it learned at a share
/// of the way, for a fraction of the cost, where refusing it would learn nothing.
/// </summary>
public static class WeightInterpolation
{
    /// <summary>
    /// A copy of <paramref name="to"/> (its editor included) whose network weights lie <paramref name="share"/> of the way
    /// from <paramref name="from"/>'s to its own, without a memory; both must share an architecture and a device.
    /// </summary>
    public static EditableModel Between(EditableModel from, EditableModel to, double share)
    {
        if (share is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "An interpolation share lies in (0, 1].");
        }
        if (from.Architecture.Name != to.Architecture.Name || !ComputeDevice.Same(from.Device, to.Device))
        {
            throw new ArgumentException($"Weights of {from.Architecture.Name} on {from.Device} and {to.Architecture.Name} on {to.Device} cannot be interpolated.");
        }
        var model = to.Clone();
        model.Attach(null);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var weight = share.ToScalar();
        var origin = from.Network.Parameters;
        var target = model.Network.Parameters;
        for (var i = 0; i < target.Count; i++)
        {
            // from + share · (to − from), in place on the copy.
            var delta = target[i].sub(origin[i]);
            target[i].copy_(origin[i].add(delta, weight));
        }
        return model;
    }
}
