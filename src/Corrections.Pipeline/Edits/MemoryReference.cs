using Corrections.Editing;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Edits;

/// <summary>
/// The clean reference inputs that bound a memory's radii, loaded once per worker on first use, and the memory options
/// for a model. Not thread-safe beyond the compute gate, which every caller holds.
/// </summary>
public sealed class MemoryReference(IOptions<MemorySettings> options) : IDisposable
{
    private LabeledImages? _images;

    public MemorySettings Settings => options.Value;

    /// <summary>The reference inputs; loaded on first use.</summary>
    /// <exception cref="InvalidOperationException">The reference data is missing or of an unknown format.</exception>
    public LabeledImages Images => _images ??= Load(options.Value);

    /// <summary>Where <paramref name="model"/>'s memory keys its entries.</summary>
    /// <exception cref="InvalidOperationException">The configured key stage does not exist or lies below the editable stages.</exception>
    public MemoryOptions For(EditableModel model)
    {
        var name = options.Value.KeyStage;
        var stages = model.Architecture.Stages;
        var stage = string.IsNullOrWhiteSpace(name) ? stages.Count - 1 : stages.ToList().FindIndex(s => s.Name == name);
        if (stage < model.Subset.FirstStage)
        {
            throw new InvalidOperationException($"Memory:KeyStage '{name}' is no stage of {model.Architecture.Name} at or above its first editable stage '{stages[model.Subset.FirstStage].Name}'.");
        }
        return new MemoryOptions { KeyStage = stage, RadiusScale = options.Value.RadiusScale };
    }

    public void Dispose() => _images?.Dispose();

    private static LabeledImages Load(MemorySettings settings)
    {
        LabeledImages all;
        try
        {
            all = settings.ReferenceFormat switch
            {
                "fashion-mnist" => FashionMnist.Load(settings.ReferencePath, DatasetSplit.Train),
                "cifar10" => Cifar10.Load(settings.ReferencePath, DatasetSplit.Train),
                _ => throw new InvalidOperationException($"Memory:ReferenceFormat '{settings.ReferenceFormat}' is neither fashion-mnist nor cifar10."),
            };
        }
        catch (Exception e) when (e is IOException or DataFormatException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Memory reference data at {settings.ReferencePath}: {e.Message}", e);
        }
        if (settings.ReferenceTake >= all.Count)
        {
            return all;
        }
        using (all)
        {
            return all.Take(settings.ReferenceTake);
        }
    }
}
