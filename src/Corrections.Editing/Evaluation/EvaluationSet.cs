using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// A named test set and one model's view of it: the activations entering the model's first editable stage and its
/// predictions before any edit. Computed once per model version, then every edit is scored by re-running only the
/// editable stages, which is what makes 1,000-edit protocols and candidate validation cheap.
/// </summary>
public sealed class EvaluationSet : IDisposable
{
    public EvaluationSet(string name, EditableModel model, LabeledImages data, int batchSize = Models.Network.EvaluationBatch)
    {
        Name = name;
        Model = model;
        Data = data;
        Features = model.Features(data.Images, batchSize);
        using var logits = model.LogitsFromFeatures(Features);
        Predictions = logits.argmax(1).cpu();
        Labels = data.Labels.cpu();
        ErrorRate = Metrics.ErrorRate(Predictions, Labels);
    }

    public string Name { get; }
    public EditableModel Model { get; }
    public LabeledImages Data { get; }
    public Tensor Features { get; }

    /// <summary>The unedited model's predictions, int64 [N] on the CPU.</summary>
    public Tensor Predictions { get; }
    public Tensor Labels { get; }

    /// <summary>The unedited model's error rate in [0, 1].</summary>
    public double ErrorRate { get; }
    public int Count => Data.Count;

    /// <summary>Predictions of the model with <paramref name="edit"/> applied, int64 [N] on the CPU.</summary>
    public Tensor PredictionsAfter(Editors.EditResult? edit)
    {
        using var logits = Model.LogitsFromFeatures(Features, edit);
        return logits.argmax(1).cpu();
    }

    public void Dispose()
    {
        Features.Dispose();
        Predictions.Dispose();
        Labels.Dispose();
    }
}
