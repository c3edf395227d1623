using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>
/// A consolidated version in the making (<see cref="Consolidation.Fold"/>): a copy of the version it starts from,
/// trained by <see cref="Run"/> (step it to the end), then <see cref="Finish"/>ed with a memory that holds exactly the
/// corrections the new weights do not make. The memory keeps the start's key stage and radius scale, or the given
/// <see cref="MemoryOptions"/> when the start has none.
/// </summary>
public sealed class Folding : IDisposable
{
    private readonly CorrectionSet _corrections;
    private readonly int _keyStage;
    private readonly double _radiusScale;
    private EditableModel? _model;

    /// <summary>
    /// Starts from a copy of <paramref name="from"/>. The weights train on <paramref name="trainOn"/> when given (all of
    /// <paramref name="corrections"/> but those held out to judge the consolidation); the memory still ends up holding
    /// every one of <paramref name="corrections"/> that the weights do not make. <paramref name="pseudo"/>-labelled
    /// traffic, if any, trains the weights beside them and never enters the memory.
    /// </summary>
    public Folding(EditableModel from, CorrectionSet corrections, LabeledImages clean, EditableModel anchor, ConsolidationOptions options, MemoryOptions memory, CorrectionSet? trainOn = null, LabeledImages? pseudo = null)
    {
        (_keyStage, _radiusScale) = from.Memory is { } own ? (own.KeyStage, own.RadiusScale) : (memory.KeyStageFor(from), memory.RadiusScale);
        _corrections = corrections;
        _model = from.Clone();
        try
        {
            _model.Attach(null);
            Run = new ConsolidationRun(_model, trainOn ?? corrections, clean, anchor, options, pseudo);
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    public ConsolidationRun Run { get; }

    /// <summary>The consolidated version with its memory (<see cref="Remember"/>), handed over to the caller.</summary>
    public EditableModel Finish(LabeledImages reference)
    {
        var model = _model ?? throw new InvalidOperationException("The consolidated version was already handed over.");
        if (!Run.Finished)
        {
            throw new InvalidOperationException($"The consolidation took {Run.Done} of its {Run.Steps} steps.");
        }
        Remember(model, _corrections, reference, _keyStage, _radiusScale);
        _model = null;
        return model;
    }

    /// <summary>
    /// Attaches to <paramref name="model"/> a memory that holds exactly the <paramref name="corrections"/> its weights
    /// do not make. Those they make join the memory's reference (with <paramref name="reference"/>, clean inputs and
    /// their true labels), so no entry of another label grows over them.
    /// </summary>
    public static void Remember(EditableModel model, CorrectionSet corrections, LabeledImages reference, int keyStage, double radiusScale)
    {
        var held = Evaluation.Metrics.Held(model, corrections);
        using var scope = NewDisposeScope();
        var (madeImages, madeLabels) = corrections.Select(Enumerable.Range(0, corrections.Count).Where(i => held[i])).ToTensors();
        var memory = new CorrectionMemory(keyStage, radiusScale, corrections.ImageShape);
        memory.Rebuild(model, corrections.Select(Enumerable.Range(0, corrections.Count).Where(i => !held[i])), cat([reference.Images, madeImages]), cat([reference.Labels, madeLabels]));
        model.Attach(memory);
    }

    public void Dispose()
    {
        Run.Dispose();
        _model?.Dispose();
    }
}
