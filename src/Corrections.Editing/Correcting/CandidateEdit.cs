namespace Corrections.Editing.Correcting;

/// <summary>
/// A candidate built by <see cref="ChainEditor"/>: the edited model (null when no correction took) and one
/// <see cref="CorrectionEdit"/> per fresh correction, in order. Owns <see cref="Model"/> until it is taken.
/// </summary>
public sealed class CandidateEdit(EditableModel? model, IReadOnlyList<CorrectionEdit> edits) : IDisposable
{
    public EditableModel? Model { get; private set; } = model;

    public IReadOnlyList<CorrectionEdit> Edits { get; } = edits;

    public int Succeeded => Edits.Count(e => e.Success);

    /// <summary>Hands the model over to the caller, who disposes it from then on.</summary>
    public EditableModel TakeModel()
    {
        var model = Model ?? throw new InvalidOperationException("No correction took: there is no candidate model.");
        Model = null;
        return model;
    }

    public void Dispose()
    {
        Model?.Dispose();
        Model = null;
    }
}
