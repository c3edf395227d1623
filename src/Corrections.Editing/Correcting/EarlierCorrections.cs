using Corrections.Editing.Editors;
using static TorchSharp.torch;

namespace Corrections.Editing.Correcting;

/// <summary>
/// The corrections an edit must keep, with their features (the activations entering the editable stages). Edits only
/// change the editable stages, so the features are computed once per candidate, not once per edit: with 256 earlier
/// corrections that was most of an edit's time. Owns its tensors.
/// </summary>
internal sealed class EarlierCorrections : IDisposable
{
    private readonly EditableModel _model;

    public EarlierCorrections(EditableModel model, Tensor x, Tensor y)
    {
        _model = model;
        (X, Y) = (x, y);
        Features = y.shape[0] > 0 ? model.Features(x) : null;
    }

    public Tensor X { get; private set; }

    public Tensor Y { get; private set; }

    private Tensor? Features { get; set; }

    /// <summary>Indices of the corrections that <paramref name="edit"/> would break, or null when it breaks none.</summary>
    public Tensor? BrokenBy(EditResult edit)
    {
        if (Features is null)
        {
            return null;
        }
        using var logits = _model.LogitsFromFeatures(Features, edit);
        // Indices on the CPU, where the corrections are kept; the logits may come from a GPU.
        using var predicted = logits.argmax(1).cpu();
        var broken = predicted.ne(Y).nonzero().flatten();
        return broken.shape[0] == 0 ? null : broken;
    }

    public void Add(Tensor x, Tensor y)
    {
        using var features = _model.Features(x);
        var (newX, newY) = (cat([X, x]), cat([Y, y]));
        var newFeatures = Features is null ? features.alias() : cat([Features, features]);
        Dispose();
        (X, Y, Features) = (newX.DetachFromDisposeScope(), newY.DetachFromDisposeScope(), newFeatures.DetachFromDisposeScope());
    }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Features?.Dispose();
    }
}
