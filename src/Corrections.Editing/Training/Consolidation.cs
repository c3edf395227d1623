using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Training;

/// <summary>
/// Folds corrections into a model's weights in a few hundred steps, where a retraining spends a full epoch and drowns
/// them (or, repeated ×100, overfits them). The anchor is a fixed model: against the version trained last it keeps the
/// original distribution from drifting consolidation after consolidation, which KL to the previous version does not.
/// </summary>
public static class Consolidation
{
    /// <summary>Trains <paramref name="model"/> in place; returns the mean loss of the last tenth of the steps.</summary>
    public static double Run(EditableModel model, CorrectionSet corrections, LabeledImages clean, EditableModel anchor, ConsolidationOptions options)
    {
        options.Validate();
        if (corrections.Count == 0)
        {
            return 0;
        }
        if (!clean.ImageShape.SequenceEqual(model.Architecture.InputShape) || !corrections.ImageShape.Select(d => (long)d).SequenceEqual(model.Architecture.InputShape))
        {
            throw new ArgumentException($"Consolidation data of [{string.Join(", ", corrections.ImageShape)}] and [{string.Join(", ", clean.ImageShape)}] do not fit a model of [{string.Join(", ", model.Architecture.InputShape)}].");
        }
        var (correctionImages, correctionLabels) = corrections.ToTensors();
        using var _ci = correctionImages;
        using var _cl = correctionLabels;
        using var optimizer = new OuterAdam(model.Network.Parameters, options.LearningRate);
        using var generator = new Generator((ulong)options.Seed);
        var objective = options.Editable
            ? new EditableObjective(model, new EditableTrainingOptions { BatchSize = options.CleanBatch + options.CorrectionBatch }, new UniformEditTargets())
            : null;
        var tail = new List<double>();
        var steps = options.StepsFor(corrections.Count);
        for (var step = 0; step < steps; step++)
        {
            // One scope per step: the graph and every batch are freed before the next step.
            using var scope = NewDisposeScope();
            var picks = randint(0, corrections.Count, [options.CorrectionBatch], dtype: int64, generator: generator);
            var cleanPicks = randint(0, clean.Count, [options.CleanBatch], dtype: int64, generator: generator).data<long>().ToArray();
            var (cleanImages, cleanLabels) = clean.Batch(cleanPicks);
            var images = cat([cleanImages, correctionImages.index_select(0, picks)]);
            var labels = cat([cleanLabels, correctionLabels.index_select(0, picks)]);
            var inputs = model.Preprocess(Augment(images, options, generator));
            Tensor loss;
            if (objective is not null)
            {
                // The clean rows come first: the in-graph edit takes row 0 (a clean image), and the other rows, the
                // corrections among them, are the control set that the edit must leave alone.
                var terms = objective.Compute(inputs, labels, null, generator);
                loss = terms.Task + terms.Editability! + terms.Stability!;
            }
            else
            {
                loss = cross_entropy(model.Network.Forward(inputs, StatisticsMode.Batch), labels);
            }
            if (options.AnchorCoefficient > 0)
            {
                var cleanInputs = inputs.narrow(0, 0, options.CleanBatch);
                Tensor target;
                using (no_grad())
                {
                    target = log_softmax(anchor.Network.Forward(cleanInputs, StatisticsMode.Running), 1);
                }
                var current = log_softmax(model.Network.Forward(cleanInputs, StatisticsMode.Running), 1);
                loss = loss + options.AnchorCoefficient * kl_div(current, target, reduction: TorchSharp.torch.nn.Reduction.Sum, log_target: true) / options.CleanBatch;
            }
            loss.backward();
            optimizer.Step(options.ClipNorm);
            if (step >= steps - Math.Max(1, steps / 10))
            {
                tail.Add(loss.item<float>());
            }
        }
        return tail.Average();
    }

    /// <summary>
    /// A consolidated version: a copy of <paramref name="from"/> whose weights are trained on every one of
    /// <paramref name="corrections"/> (<see cref="Run"/>), with a memory rebuilt to hold exactly the corrections the new
    /// weights do not make. The corrections the weights make join the memory's reference (with
    /// <paramref name="reference"/>, clean inputs and their true labels), so no entry of another label grows over them.
    /// The memory keeps <paramref name="from"/>'s key stage and radius scale, or <paramref name="memory"/>'s when it has none.
    /// </summary>
    public static EditableModel Fold(EditableModel from, CorrectionSet corrections, LabeledImages clean, EditableModel anchor, LabeledImages reference, ConsolidationOptions options, MemoryOptions memory)
    {
        var folded = from.Clone();
        try
        {
            var (keyStage, radiusScale) = from.Memory is { } own ? (own.KeyStage, own.RadiusScale) : (memory.KeyStageFor(from), memory.RadiusScale);
            folded.Attach(null);
            Run(folded, corrections, clean, anchor, options);
            var held = Evaluation.Metrics.Held(folded, corrections);
            using var scope = NewDisposeScope();
            var made = Enumerable.Range(0, corrections.Count).Where(i => held[i]);
            var (madeImages, madeLabels) = corrections.Select(made).ToTensors();
            var rebuilt = new CorrectionMemory(keyStage, radiusScale, corrections.ImageShape);
            rebuilt.Rebuild(folded, corrections.Select(Enumerable.Range(0, corrections.Count).Where(i => !held[i])), cat([reference.Images, madeImages]), cat([reference.Labels, madeLabels]));
            folded.Attach(rebuilt);
            return folded;
        }
        catch
        {
            folded.Dispose();
            throw;
        }
    }

    private static Tensor Augment(Tensor images, ConsolidationOptions options, Generator generator)
    {
        var x = options.CropPadding > 0 ? Augmentation.RandomCrop(images, options.CropPadding, generator) : images;
        return options.HorizontalFlip ? Augmentation.RandomHorizontalFlip(x, 0.5, generator) : x;
    }
}
