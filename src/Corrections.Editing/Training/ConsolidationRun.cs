using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Training;

/// <summary>
/// One consolidation (<see cref="Consolidation.Run"/>) that advances a few steps at a time, so that a worker can let
/// its edits in between: on a shared 2-core worker a consolidation of a few hundred steps would otherwise hold every
/// report for tens of seconds. Trains <see cref="Model"/> in place; the same steps, in any chunking, give the same weights.
/// </summary>
public sealed class ConsolidationRun : IDisposable
{
    private readonly EditableModel _model;
    private readonly LabeledImages _clean;
    private readonly LabeledImages? _pseudo;
    private readonly EditableModel _anchor;
    private readonly ConsolidationOptions _options;
    private readonly int _corrections;
    private readonly Tensor _correctionImages;
    private readonly Tensor _correctionLabels;
    private readonly OuterAdam _optimizer;
    private readonly Generator _generator;
    private readonly EditableObjective? _objective;
    private readonly List<double> _tail = [];
    private readonly Tensor[]? _average;
    private readonly int _averageFrom;
    private int _averaged;

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="corrections"/> and <paramref name="clean"/> data against
    /// <paramref name="anchor"/>; <paramref name="pseudo"/>, when given and not empty, is pseudo-labelled traffic that
    /// fills <see cref="ConsolidationOptions.PseudoBatch"/> more rows of every step (the steps still follow the corrections).
    /// </summary>
    public ConsolidationRun(EditableModel model, CorrectionSet corrections, LabeledImages clean, EditableModel anchor, ConsolidationOptions options, LabeledImages? pseudo = null)
    {
        options.Validate();
        if (!clean.ImageShape.SequenceEqual(model.Architecture.InputShape) || !corrections.ImageShape.Select(d => (long)d).SequenceEqual(model.Architecture.InputShape)
            || pseudo is not null && !pseudo.ImageShape.SequenceEqual(model.Architecture.InputShape))
        {
            throw new ArgumentException($"Consolidation data of [{string.Join(", ", corrections.ImageShape)}] and [{string.Join(", ", clean.ImageShape)}] do not fit a model of [{string.Join(", ", model.Architecture.InputShape)}].");
        }
        (_model, _clean, _anchor, _options, _corrections) = (model, clean, anchor, options, corrections.Count);
        _pseudo = pseudo is { Count: > 0 } && options.PseudoBatch > 0 ? pseudo : null;
        (_correctionImages, _correctionLabels) = corrections.ToTensors();
        _correctionImages = _correctionImages.DetachFromDisposeScope();
        _correctionLabels = _correctionLabels.DetachFromDisposeScope();
        _optimizer = new OuterAdam(model.Network.Parameters, options.LearningRate);
        _generator = new Generator((ulong)options.Seed);
        _objective = options.Editable
            ? new EditableObjective(model, new EditableTrainingOptions { BatchSize = options.CleanBatch + options.CorrectionBatch + (_pseudo is null ? 0 : options.PseudoBatch) }, new UniformEditTargets())
            : null;
        Steps = corrections.Count == 0 ? 0 : options.StepsFor(corrections.Count);
        if (options.AverageTail > 0 && Steps > 0)
        {
            _averageFrom = Steps - Math.Max(1, (int)Math.Round(options.AverageTail * Steps));
            _average = model.Network.Parameters.Select(p => zeros_like(p).requires_grad_(false).DetachFromDisposeScope()).ToArray();
        }
    }

    public EditableModel Model => _model;

    /// <summary>All the steps this consolidation takes (<see cref="ConsolidationOptions.StepsFor"/>); 0 without corrections.</summary>
    public int Steps { get; }

    public int Done { get; private set; }

    public bool Finished => Done >= Steps;

    /// <summary>Mean loss of the last tenth of the steps (0 before they ran).</summary>
    public double TailLoss => _tail.Count == 0 ? 0 : _tail.Average();

    /// <summary>Takes up to <paramref name="steps"/> more steps.</summary>
    public void Advance(int steps)
    {
        var options = _options;
        // Held across the steps (see NativeRuntime): the loss's sums and weights would make them as temporaries.
        using var one = 1.ToScalar();
        using var anchorCoefficient = options.AnchorCoefficient.ToScalar();
        using var cleanBatch = options.CleanBatch.ToScalar();
        for (var n = 0; n < steps && Done < Steps; n++, Done++)
        {
            // One scope per step: the graph and every batch are freed before the next step.
            using var scope = NewDisposeScope();
            var picks = randint(0, _corrections, [options.CorrectionBatch], dtype: int64, generator: _generator);
            var cleanPicks = randint(0, _clean.Count, [options.CleanBatch], dtype: int64, generator: _generator).data<long>().ToArray();
            var (cleanImages, cleanLabels) = _clean.Batch(cleanPicks);
            var images = cat([cleanImages, _correctionImages.index_select(0, picks)]);
            var labels = cat([cleanLabels, _correctionLabels.index_select(0, picks)]);
            if (_pseudo is not null)
            {
                // After the corrections, so the in-graph edit and the anchor still see clean rows only.
                var (pseudoImages, pseudoLabels) = _pseudo.Batch(randint(0, _pseudo.Count, [options.PseudoBatch], dtype: int64, generator: _generator).data<long>().ToArray());
                images = cat([images, pseudoImages]);
                labels = cat([labels, pseudoLabels]);
            }
            // Batches are drawn on the CPU (data and generator live there) and trained where the model is.
            labels = labels.to(_model.Device);
            var inputs = _model.Preprocess(Augment(images, options.CleanBatch)).to(_model.Device);
            Tensor loss;
            if (_objective is not null)
            {
                // The clean rows come first: the in-graph edit takes row 0 (a clean image), and the other rows, the
                // corrections among them, are the control set that the edit must leave alone.
                var terms = _objective.Compute(inputs, labels, null, _generator);
                loss = terms.Task.add(terms.Editability!, one).add(terms.Stability!, one);
            }
            else
            {
                loss = cross_entropy(_model.Network.Forward(inputs, StatisticsMode.Batch), labels);
            }
            if (options.AnchorCoefficient > 0)
            {
                var cleanInputs = inputs.narrow(0, 0, options.CleanBatch);
                Tensor target;
                using (no_grad())
                {
                    target = log_softmax(_anchor.Network.Forward(cleanInputs, StatisticsMode.Running), 1);
                }
                var current = log_softmax(_model.Network.Forward(cleanInputs, StatisticsMode.Running), 1);
                loss = loss.add(kl_div(current, target, reduction: TorchSharp.torch.nn.Reduction.Sum, log_target: true).mul(anchorCoefficient).div(cleanBatch), one);
            }
            loss.backward();
            _optimizer.Step(options.ClipNorm);
            if (Done >= Steps - Math.Max(1, Steps / 10))
            {
                _tail.Add(loss.item<float>());
            }
            if (_average is not null && Done >= _averageFrom)
            {
                Accumulate(Done + 1 == Steps);
            }
        }
    }

    // Running mean of the tail's weights; after the last step the network takes it.
    private void Accumulate(bool last)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _averaged++;
        using var share = (1.0 / _averaged).ToScalar();
        using var rest = (1.0 - (1.0 / _averaged)).ToScalar();
        var parameters = _model.Network.Parameters;
        for (var i = 0; i < _average!.Length; i++)
        {
            _average[i].mul_(rest).add_(parameters[i], share);
            if (last)
            {
                parameters[i].copy_(_average[i]);
            }
        }
    }

    public void Dispose()
    {
        _correctionImages.Dispose();
        _correctionLabels.Dispose();
        foreach (var t in _average ?? [])
        {
            t.Dispose();
        }
        _optimizer.Dispose();
        _generator.Dispose();
    }

    // Clean rows come first: crop and flip apply to every row, the noise only to the corrections after them.
    private Tensor Augment(Tensor images, int cleanRows)
    {
        var x = _options.CropPadding > 0 ? Augmentation.RandomCrop(images, _options.CropPadding, _generator) : images;
        x = _options.HorizontalFlip ? Augmentation.RandomHorizontalFlip(x, 0.5, _generator) : x;
        if (_options.CorrectionNoise <= 0)
        {
            return x;
        }
        using var pixelMin = 0.ToScalar();
        using var pixelMax = 1.ToScalar();
        var corrections = Augmentation.GaussianNoise(x.narrow(0, cleanRows, x.shape[0] - cleanRows), _options.CorrectionNoise, _generator).clamp_(pixelMin, pixelMax);
        return cat([x.narrow(0, 0, cleanRows), corrections]);
    }
}
