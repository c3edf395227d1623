using Corrections.Editing.Data;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Evaluation;

/// <summary>
/// The slow, thorough alternative to editing: fine-tune a copy of the model on the training data plus every
/// correction (each repeated `oversample` times so that 200 corrections are not drowned by 60,000
/// images), then measure drawdown and how many corrections hold.
/// </summary>
public static class RetrainBaseline
{
    public static ProtocolResult Sequential(string modelName, EvaluationSet evaluation, LabeledImages train, LabeledImages source, IReadOnlyList<EditCase> cases, EditableTrainingOptions options, int oversample = 20)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var model = evaluation.Model.Clone();
        var indices = tensor(cases.SelectMany(c => Enumerable.Repeat((long)c.Index, oversample)).ToArray());
        var corrected = tensor(cases.SelectMany(c => Enumerable.Repeat(c.Target, oversample)).ToArray());
        using var combined = new LabeledImages(
            cat([train.Images, source.Images.index_select(0, indices)], 0),
            cat([train.Labels, corrected], 0),
            train.ClassNames,
            "train + corrections");
        new EditableTrainer(options with { Editable = false }, new UniformEditTargets()).Train(model, combined);

        var after = model.Logits(evaluation.Data.Images).argmax(1).cpu();
        var held = model.Logits(source.Images.index_select(0, tensor(cases.Select(c => (long)c.Index).ToArray()))).argmax(1).cpu();
        var targets = cases.Select(c => c.Target).ToArray();
        var hold = 100.0 * held.data<long>().ToArray().Where((p, i) => p == targets[i]).Count() / Math.Max(1, cases.Count);
        var drawdown = Metrics.DrawdownPp(evaluation.ErrorRate, Metrics.ErrorRate(after, evaluation.Labels));
        return new ProtocolResult
        {
            Model = modelName,
            Protocol = "sequential",
            Method = $"retrain-{options.Epochs}ep",
            Editor = "none",
            EvaluationSet = evaluation.Name,
            Edits = cases.Count,
            DrawdownPp = drawdown,
            SuccessRate = hold,
            MeanSteps = 0,
            MedianSteps = 0,
            TestErrorPct = evaluation.ErrorRate * 100,
            HoldRatePct = hold,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }
}
