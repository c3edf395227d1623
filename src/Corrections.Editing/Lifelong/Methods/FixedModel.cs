using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong.Methods;

/// <summary>
/// A model that ignores reports: the start model (what no correction leaves) or the oracle (trained on clean and the
/// whole shifted training split: what a stream could at best reach with this architecture and recipe).
/// </summary>
public sealed class FixedModel(string name, EditableModel model, IReadOnlyDictionary<string, string>? settings = null) : ICorrectionMethod
{
    private readonly EditableModel _model = model.Clone();

    public string Name { get; } = name;

    public IReadOnlyDictionary<string, string> Settings { get; } = settings ?? new Dictionary<string, string>();

    public void Correct(ReadOnlySpan<float> input, long label)
    {
    }

    public long[] Predict(Tensor images) => Predictions.Of(_model, images);

    public void Dispose() => _model.Dispose();
}
