using System.Diagnostics;
using System.Globalization;
using Corrections.Editing.Data;
using Corrections.Editing.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>
/// Trains an <see cref="EditableModel"/> (network and editor hyperparameters together) with Adam on the Editable
/// Training objective, or on the task loss alone for the plain baseline. Deterministic on CPU for a given seed:
/// shuffling, augmentation and edit targets all draw from seeded generators that restart each epoch, which is also
/// what makes resuming from an epoch checkpoint reproduce an uninterrupted run.
/// </summary>
public sealed class EditableTrainer(EditableTrainingOptions options, EditTargets targets)
{
    public EditableTrainingOptions Options { get; } = options;

    public void Train(EditableModel model, LabeledImages train, IProgress<TrainingProgress>? progress = null, string? checkpointPath = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        if (!train.ImageShape.SequenceEqual(model.Architecture.InputShape))
        {
            throw new ArgumentException($"Training images are [{string.Join(", ", train.ImageShape)}], the model expects [{string.Join(", ", model.Architecture.InputShape)}].");
        }
        var trainable = model.Network.Parameters.Concat(Options.Editable ? model.Editor.Hyperparameters : []).ToList();
        using var optimizer = new OuterAdam(trainable, Options.LearningRate);
        var firstEpoch = checkpointPath is not null && File.Exists(checkpointPath) ? Resume(checkpointPath, model, optimizer) : 0;
        var objective = new EditableObjective(model, Options, targets);
        var servingSteps = model.Editor.Options.MaxSteps;
        if (Options.TrainingMaxSteps is int trainingSteps)
        {
            model.Editor.LimitSteps(trainingSteps);
        }
        try
        {
            Run(model, train, optimizer, objective, firstEpoch, progress, checkpointPath, cancellation);
        }
        finally
        {
            model.Editor.LimitSteps(servingSteps);
        }
    }

    private void Run(EditableModel model, LabeledImages train, OuterAdam optimizer, EditableObjective objective, int firstEpoch, IProgress<TrainingProgress>? progress, string? checkpointPath, CancellationToken cancellation)
    {
        var device = model.Network.Device;
        var stepsPerEpoch = Math.Min(train.Count / Options.BatchSize, Options.MaxStepsPerEpoch ?? int.MaxValue);
        // Held across the steps (see NativeRuntime): the weighted sum below would make them as temporaries.
        using var one = 1.ToScalar();
        using var editCoefficient = Options.EditCoefficient.ToScalar();
        using var stabilityCoefficient = Options.StabilityCoefficient.ToScalar();

        for (var epoch = firstEpoch; epoch < Options.Epochs; epoch++)
        {
            var order = Shuffle(train.Count, Options.Seed + epoch);
            using var generator = new Generator((ulong)(Options.Seed * 7919 + epoch));
            var figures = new RunningFigures();
            var clock = Stopwatch.StartNew();
            for (var step = 0; step < stepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                // One scope per step: every tensor of the step (graph included) is freed before the next one.
                using var scope = NewDisposeScope();
                var (images, labels) = train.Batch(order[(step * Options.BatchSize)..((step + 1) * Options.BatchSize)]);
                var inputs = model.Preprocess(Augment(images, generator)).to(device);
                var separate = Options.Control == ControlSource.Separate ? SeparateControl(model, train, generator, device) : null;
                var terms = objective.Compute(inputs, labels.to(device), separate, generator);
                var total = terms.Task;
                if (terms.Editability is not null && terms.Stability is not null)
                {
                    total = total.add(terms.Editability.mul(editCoefficient), one).add(terms.Stability.mul(stabilityCoefficient), one);
                }
                total.backward();
                optimizer.Step(Options.ClipNorm);
                figures.Add(terms);
                progress?.Report(figures.Report(epoch, Options.Epochs, step + 1, stepsPerEpoch, (step + 1) * Options.BatchSize / clock.Elapsed.TotalSeconds, clock.Elapsed));
            }
            if (checkpointPath is not null)
            {
                SaveCheckpoint(checkpointPath, model, optimizer, epoch + 1);
            }
        }
    }

    private Tensor Augment(Tensor images, Generator generator)
    {
        var x = images;
        if (Options.CropPadding > 0)
        {
            x = Augmentation.RandomCrop(x, Options.CropPadding, generator);
        }
        if (Options.HorizontalFlip)
        {
            x = Augmentation.RandomHorizontalFlip(x, 0.5, generator);
        }
        return x;
    }

    private Tensor SeparateControl(EditableModel model, LabeledImages train, Generator generator, Device device)
    {
        var size = Options.ControlBatchSize == 0 ? Options.BatchSize : Options.ControlBatchSize;
        using var picks = randint(0, train.Count, [size], dtype: int64, generator: generator);
        var (images, _) = train.Batch(picks.data<long>().ToArray());
        return model.Preprocess(images).to(device);
    }

    private static long[] Shuffle(int count, long seed)
    {
        var order = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        new Random((int)(seed % int.MaxValue)).Shuffle(order);
        return order;
    }

    private static void SaveCheckpoint(string path, EditableModel model, OuterAdam optimizer, int epochsDone)
    {
        var state = optimizer.State.Concat(model.NamedTensors()).ToList();
        TensorArchive.Write(path, state, new Dictionary<string, string>
        {
            ["epochs_done"] = epochsDone.ToString(CultureInfo.InvariantCulture),
            ["adam_steps"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static int Resume(string path, EditableModel model, OuterAdam optimizer)
    {
        var (tensors, metadata) = TensorArchive.Read(path);
        var byName = tensors.ToDictionary(t => t.Name, t => t.Tensor);
        try
        {
            model.CopyFrom(byName);
            optimizer.Restore(byName, long.Parse(metadata["adam_steps"], CultureInfo.InvariantCulture));
            return int.Parse(metadata["epochs_done"], CultureInfo.InvariantCulture);
        }
        catch (KeyNotFoundException e)
        {
            throw new DataFormatException($"{path} does not match this model and optimiser: {e.Message}", e);
        }
        finally
        {
            tensors.ToList().ForEach(t => t.Tensor.Dispose());
        }
    }

    /// <summary>Means of the step figures since the start of the epoch.</summary>
    private sealed class RunningFigures
    {
        private int _count;
        private double _task, _editability, _stability, _success, _steps;

        public void Add(ObjectiveTerms terms)
        {
            _count++;
            _task += terms.Task.item<float>();
            _editability += terms.Editability?.item<float>() ?? 0;
            _stability += terms.Stability?.item<float>() ?? 0;
            _success += terms.EditSucceeded ? 1 : 0;
            _steps += terms.EditSteps;
        }

        public TrainingProgress Report(int epoch, int epochs, int step, int steps, double imagesPerSecond, TimeSpan elapsed) =>
            new(epoch + 1, epochs, step, steps, _task / _count, _editability / _count, _stability / _count, _success / _count, _steps / _count, imagesPerSecond, elapsed);
    }
}
