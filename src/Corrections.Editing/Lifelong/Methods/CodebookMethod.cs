using System.Globalization;
using Corrections.Editing.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// GRACE (Hartvigsen et al., 2023) for a classifier: a codebook at one stage. Keys are the stage's inputs, values
/// replace its output, each key has a radius ε. A report far from every key adds a key (ε = ε₀) whose value is trained
/// from the stage's own output to give the label; one within reach of the nearest key either widens that key's ε to
/// cover it (same label) or adds a key and splits: both radii become half their distance (other label). The weights
/// never change. As in the repository, a widened key's value is retrained on the new input alone, and a split can
/// uncover inputs that an earlier widening covered: <see cref="Splits"/> counts the splits.
/// </summary>
public sealed class CodebookMethod : ICorrectionMethod
{
    private readonly EditableModel _model;
    private readonly int _stage;
    private readonly double _initialRadius;
    private readonly int _valueSteps;
    private readonly double _valueLearningRate;
    private readonly List<Tensor> _keys = [];
    private readonly List<Tensor> _values = [];
    private readonly List<double> _radii = [];
    private readonly List<long> _labels = [];

    /// <summary>A codebook around <paramref name="stage"/> (by default the last: the key is the penultimate activation).</summary>
    public CodebookMethod(EditableModel model, double initialRadius, int? stage = null, int valueSteps = 20, double valueLearningRate = 0.1)
    {
        _model = model.Clone();
        _stage = stage ?? model.Architecture.Stages.Count - 1;
        (_initialRadius, _valueSteps, _valueLearningRate) = (initialRadius, valueSteps, valueLearningRate);
        Settings = new Dictionary<string, string>
        {
            ["stage"] = model.Architecture.Stages[_stage].Name,
            ["initial_radius"] = initialRadius.ToString("G4", CultureInfo.InvariantCulture),
            ["value_steps"] = valueSteps.ToString(CultureInfo.InvariantCulture),
            ["value_lr"] = valueLearningRate.ToString("G3", CultureInfo.InvariantCulture),
        };
    }

    public string Name => "grace";

    public IReadOnlyDictionary<string, string> Settings { get; }

    public int Keys => _keys.Count;

    public int Splits { get; private set; }

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        using var scope = NewDisposeScope();
        using var image = Predictions.Image(input, _model);
        var (query, output) = QueryAndOutput(image);
        var key = query[0].detach();
        var chosen = -1;
        if (_keys.Count > 0)
        {
            var distances = cdist(query, stack(_keys)).flatten().cpu().data<float>().ToArray();
            var nearest = Array.IndexOf(distances, distances.Min());
            var distance = (double)distances[nearest];
            if (distance <= _initialRadius + _radii[nearest])
            {
                if (_labels[nearest] == label)
                {
                    // Same label: widen the nearest key to cover this input and train its value on it.
                    _radii[nearest] = Math.Max(_radii[nearest], distance);
                    chosen = nearest;
                }
                else
                {
                    chosen = AddKey(key, output[0], label);
                    _radii[nearest] = distance / 2 - 1e-5;
                    _radii[chosen] = distance / 2;
                    Splits++;
                }
            }
        }
        if (chosen < 0)
        {
            chosen = AddKey(key, output[0], label);
        }
        TrainValue(chosen, label);
    }

    public long[] Predict(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (queries, outputs) = QueryAndOutput(images);
        if (_keys.Count > 0)
        {
            var distances = cdist(queries, stack(_keys));
            var radii = tensor(_radii.Select(r => (float)r).ToArray(), device: queries.device).view(1, -1);
            var (nearest, index) = distances.min(1);
            var covered = nearest.le(radii.flatten().index_select(0, index));
            var values = stack(_values).index_select(0, index);
            outputs = where(covered.view(-1, 1), values, outputs);
        }
        return Downstream(outputs).argmax(1).cpu().data<long>().ToArray();
    }

    public void Dispose()
    {
        _model.Dispose();
        _keys.ForEach(k => k.Dispose());
        _values.ForEach(v => v.Dispose());
    }

    private int AddKey(Tensor key, Tensor output, long label)
    {
        _keys.Add(key.clone().DetachFromDisposeScope());
        _values.Add(output.detach().clone().DetachFromDisposeScope());
        _radii.Add(_initialRadius);
        _labels.Add(label);
        return _keys.Count - 1;
    }

    private void TrainValue(int index, long label)
    {
        using var scope = NewDisposeScope();
        var value = _values[index].clone().requires_grad_(true);
        var target = tensor(new[] { label }, device: value.device);
        using var optimizer = new Training.OuterAdam([value], _valueLearningRate);
        for (var step = 0; step < _valueSteps; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = cross_entropy(_model.Network.Forward(value.view(1, -1), StatisticsMode.Running, fromStage: _stage + 1), target);
            loss.backward();
            optimizer.Step(double.MaxValue);
        }
        using (no_grad())
        {
            _values[index].copy_(value);
        }
    }

    private (Tensor Queries, Tensor Outputs) QueryAndOutput(Tensor images)
    {
        using var x = _model.Preprocess(images);
        var inputs = _model.Network.Logits(x, toStage: _stage);
        var outputs = _model.Network.Logits(inputs, fromStage: _stage, toStage: _stage + 1);
        return (inputs.flatten(1), outputs.flatten(1));
    }

    private Tensor Downstream(Tensor outputs) =>
        _stage + 1 >= _model.Architecture.Stages.Count ? outputs : _model.Network.Logits(outputs, fromStage: _stage + 1);
}
