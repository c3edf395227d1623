using System.Globalization;
using Corrections.Editing.Correcting;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// Each report edited into the weights by the model's editor, the edit kept if the drawdown gate passes it; a report
/// whose edit fails or is refused stays uncorrected (in the service it would wait for a retraining). With
/// <c>keepEarlier</c> this is today's chain (<see cref="ChainEditor"/>: an edit must keep every earlier correction);
/// without, the paper's sequential protocol. A plain model is given a tuned editor learning rate.
/// </summary>
public sealed class EditorMethod : ICorrectionMethod
{
    private EditableModel _model;
    private readonly bool _keepEarlier;
    private readonly ValidationGate _gate;
    private readonly CorrectionSet _applied;

    /// <summary>
    /// The gate judges on <paramref name="validationImages"/> (clean, not the test split the stream measures on);
    /// <paramref name="learningRate"/> replaces the editor's own (a plain model's sweep) unless null.
    /// </summary>
    public EditorMethod(string name, EditableModel model, bool keepEarlier, Tensor validationImages, Tensor validationLabels, double singleLimitPp = 1, double cumulativeLimitPp = 3, double? learningRate = null)
    {
        _model = model.Clone();
        if (learningRate is double lr)
        {
            _model.Editor.SetLearningRate(lr);
        }
        _keepEarlier = keepEarlier;
        _gate = new ValidationGate(_model, validationImages, validationLabels, singleLimitPp, cumulativeLimitPp);
        _applied = new CorrectionSet([.. model.Architecture.InputShape.Select(d => (int)d)]);
        Name = name;
        Settings = new Dictionary<string, string>
        {
            ["editor_lr"] = _model.Editor.Current.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
            ["keep_earlier"] = keepEarlier.ToString(),
            ["single_limit_pp"] = singleLimitPp.ToString(CultureInfo.InvariantCulture),
            ["cumulative_limit_pp"] = cumulativeLimitPp.ToString(CultureInfo.InvariantCulture),
        };
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Reports whose edit the gate admitted.</summary>
    public int Applied => _applied.Count;

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        var fresh = new CorrectionSet(_applied.ImageShape).Add(input, label);
        using var candidate = _keepEarlier ? ChainEditor.Edit(_model, fresh, _applied) : EditAlone(fresh);
        if (candidate.Model is not null && _gate.Admit(candidate.Model))
        {
            _model.Dispose();
            _model = candidate.TakeModel();
            _applied.Add(input, label);
        }
    }

    public long[] Predict(Tensor images) => Predictions.Of(_model, images);

    public void Dispose()
    {
        _model.Dispose();
        _gate.Dispose();
    }

    private CandidateEdit EditAlone(CorrectionSet fresh)
    {
        var (x, y) = fresh.ToTensors();
        using var _x = x;
        using var _y = y;
        using var edit = _model.Edit(x, y);
        var outcome = new CorrectionEdit(edit.Success, edit.Steps, edit.FinalLoss, edit.Latency.TotalMilliseconds, 1);
        if (!edit.Success)
        {
            return new CandidateEdit(null, [outcome]);
        }
        var candidate = _model.Clone();
        candidate.Apply(edit);
        return new CandidateEdit(candidate, [outcome]);
    }
}
