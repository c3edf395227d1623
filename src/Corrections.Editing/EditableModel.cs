using System.Globalization;
using System.Text.Json;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using static TorchSharp.torch;

namespace Corrections.Editing;

/// <summary>
/// The unit Corrections deploys and edits: a network, the preprocessing its inputs need, which parameters an edit may
/// change, and the (learned) editor. Inputs are raw images in [0, 1], [N, C, H, W], as data sets and reports hold them.
/// </summary>
public sealed class EditableModel(Network network, Normalization normalization, EditableSubset subset, Editor editor) : IDisposable
{
    public Network Network { get; } = network;
    public Normalization Normalization { get; } = normalization;
    public EditableSubset Subset { get; } = subset;
    public Editor Editor { get; } = editor;
    public Architecture Architecture => Network.Architecture;

    /// <summary>
    /// Corrections kept beside the weights (<see cref="CorrectionMemory"/>), part of the version: saved, cloned and
    /// loaded with it, and applied by <see cref="Logits"/>. Null for a model without one. Owned by the model.
    /// </summary>
    public CorrectionMemory? Memory { get; private set; }

    /// <summary>Gives the model <paramref name="memory"/> (owned from then on), replacing and disposing any it had.</summary>
    public void Attach(CorrectionMemory? memory)
    {
        if (memory is not null && (memory.KeyStage < 0 || memory.KeyStage >= Architecture.Stages.Count || !memory.Entries.ImageShape.Select(d => (long)d).SequenceEqual(Architecture.InputShape)))
        {
            throw new ArgumentException($"A memory keyed at stage {memory.KeyStage} for inputs [{string.Join(", ", memory.Entries.ImageShape)}] does not fit {Architecture.Name}.");
        }
        Memory?.Dispose();
        // Keys read from a file, or built on a parent elsewhere, answer where this model computes.
        memory?.MoveTo(Device);
        Memory = memory;
    }

    /// <summary>A freshly initialised model on <paramref name="device"/> (the CPU when null); the same seed gives the same weights on any.</summary>
    public static EditableModel Create(Architecture architecture, Normalization normalization, string subset, EditorOptions editor, long seed, Device? device = null) =>
        Create(Network.Create(architecture, seed, device), normalization, EditableSubset.Parse(architecture, subset), editor);

    /// <summary>A model around <paramref name="network"/>, its editor on the network's device.</summary>
    public static EditableModel Create(Network network, Normalization normalization, EditableSubset subset, EditorOptions editor) =>
        new(network, normalization, subset, new Editor(editor, subset.ParameterIndices.Count, network.Device));

    public Tensor Preprocess(Tensor raw) => Normalization.Apply(raw);

    /// <summary>Logits [N, K] of the weights alone for raw images, in evaluation mode, any <see cref="Memory"/> set aside.</summary>
    public Tensor WeightLogits(Tensor raw, int batchSize = Network.EvaluationBatch)
    {
        using var x = Preprocess(raw);
        return Network.Logits(x, batchSize);
    }

    /// <summary>Logits [N, K] for raw images, in evaluation mode; where the <see cref="Memory"/> covers an input, its label wins.</summary>
    public Tensor Logits(Tensor raw, int batchSize = Network.EvaluationBatch)
    {
        if (Memory is null)
        {
            return WeightLogits(raw, batchSize);
        }
        using var x = Preprocess(raw);
        using var keys = Network.Logits(x, batchSize, toStage: Memory.KeyStage);
        using var logits = Network.Logits(keys, batchSize, fromStage: Memory.KeyStage);
        return Memory.Override(keys, logits);
    }

    /// <summary>
    /// Whether <see cref="LogitsFromFeatures"/> can answer for this model: always without a memory, and with one keyed at
    /// or above the first editable stage (the service keys its memories there).
    /// </summary>
    public bool ReadsFeatures => Memory is null || Memory.KeyStage >= Subset.FirstStage;

    /// <summary>Activations entering the first editable stage: computed once per version, reused by every edit.</summary>
    public Tensor Features(Tensor raw, int batchSize = Network.EvaluationBatch)
    {
        using var x = Preprocess(raw);
        return Network.Logits(x, batchSize, toStage: Subset.FirstStage);
    }

    /// <summary>
    /// Whether <see cref="Features"/> computed by <paramref name="trained"/> may stand in for this model's own: only when
    /// both have the same editable subset and the same weights outside it, as an edit and the version it was built on
    /// do (an edit changes the subset alone). A retrain changes every weight, so its features say nothing about its
    /// parent's. Compares <see cref="FrozenFingerprint"/>s; memoise them per version where that matters.
    /// </summary>
    public bool SharesFeaturesWith(EditableModel trained) =>
        SharesFeaturesWith(trained, FrozenFingerprint(), trained.FrozenFingerprint());

    /// <inheritdoc cref="SharesFeaturesWith(EditableModel)"/>
    public bool SharesFeaturesWith(EditableModel trained, FrozenFingerprint own, FrozenFingerprint theirs) =>
        Subset.Spec == trained.Subset.Spec && Subset.FirstStage == trained.Subset.FirstStage && own == theirs;

    /// <summary>
    /// A digest of every tensor an edit never changes (parameters outside the subset, and buffers): equal for a version
    /// and every edit built on it, different for anything trained.
    /// </summary>
    public FrozenFingerprint FrozenFingerprint()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var editable = Subset.ParameterIndices.ToHashSet();
        var frozen = Network.Parameters.Where((_, i) => !editable.Contains(i)).Concat(Network.Buffers).ToList();
        var (sum, squares) = (0.0, 0.0);
        foreach (var t in frozen)
        {
            var values = t.to(ScalarType.Float64);
            sum += values.sum().item<double>();
            squares += values.square().sum().item<double>();
        }
        return new FrozenFingerprint(frozen.Count, sum, squares);
    }

    /// <summary>
    /// Logits from cached <see cref="Features"/>, optionally with edited parameters θ̂ for the subset; where the
    /// <see cref="Memory"/> covers an input (its key computed with the same parameters), its label wins, as in
    /// <see cref="Logits"/>: the gate and the chain judge a version with its memory.
    /// </summary>
    /// <exception cref="InvalidOperationException">The memory's keys lie below the features (<see cref="ReadsFeatures"/> is false).</exception>
    public Tensor LogitsFromFeatures(Tensor features, EditResult? edit = null, int batchSize = 1000)
    {
        var parameters = edit is null ? null : WithEdit(edit);
        if (Memory is null)
        {
            return Network.Logits(features, batchSize, parameters, fromStage: Subset.FirstStage);
        }
        if (!ReadsFeatures)
        {
            throw new InvalidOperationException($"The memory keys stage {Memory.KeyStage}, below the features entering stage {Subset.FirstStage}: use Logits.");
        }
        using var keys = Memory.KeyStage == Subset.FirstStage
            ? features.to(Device)
            : Network.Logits(features, batchSize, parameters, fromStage: Subset.FirstStage, toStage: Memory.KeyStage);
        using var logits = Network.Logits(keys, batchSize, parameters, fromStage: Memory.KeyStage);
        return Memory.Override(keys, logits);
    }

    /// <summary>Edits the model so that <paramref name="raw"/> inputs get <paramref name="targets"/>; the model itself is unchanged.</summary>
    public EditResult Edit(Tensor raw, Tensor targets, Tensor? features = null)
    {
        Validate(raw, targets);
        // Reports arrive on the CPU; the editor steps where the model is.
        using var onDevice = targets.to(Device);
        if (features is not null)
        {
            using var featuresOnDevice = features.to(Device);
            return Editor.Edit(Network, Subset, raw, onDevice, featuresOnDevice);
        }
        using var rawOnDevice = raw.to(Device);
        using var x = Preprocess(rawOnDevice);
        return Editor.Edit(Network, Subset, x, onDevice);
    }

    /// <summary>The full parameter list with the edit's θ̂ in place of the subset.</summary>
    public IReadOnlyList<Tensor> WithEdit(EditResult edit)
    {
        var parameters = Network.Parameters.ToArray();
        for (var k = 0; k < Subset.ParameterIndices.Count; k++)
        {
            parameters[Subset.ParameterIndices[k]] = edit.EditedParameters[k];
        }
        return parameters;
    }

    /// <summary>Makes an edit permanent (sequential corrections).</summary>
    public void Apply(EditResult edit) => Network.Assign(Subset.ParameterIndices, edit.EditedParameters);

    public EditableModel Clone()
    {
        var clone = new EditableModel(Network.Clone(), Normalization, Subset, Editor.Copy(Network.Device));
        clone.Attach(Memory?.Clone());
        return clone;
    }

    /// <summary>Where the model's tensors live (see <see cref="ComputeDevice"/>).</summary>
    public Device Device => Network.Device;

    /// <summary>
    /// This model on <paramref name="device"/>: itself when it is there already, else a moved copy (network, editor and
    /// memory together), and this one is disposed, as <see cref="Network.To"/> does.
    /// </summary>
    public EditableModel To(Device device)
    {
        if (ComputeDevice.Same(Device, device))
        {
            return this;
        }
        var editor = Editor.Copy(device);
        Editor.Dispose();
        var moved = new EditableModel(Network.To(device), Normalization, Subset, editor);
        moved.Attach(Memory);
        Memory = null;
        return moved;
    }

    public void Save(string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>(extraMetadata ?? new Dictionary<string, string>())
        {
            ["architecture"] = Architecture.Name,
            ["class_count"] = Architecture.ClassCount.ToString(CultureInfo.InvariantCulture),
            ["editable_subset"] = Subset.Spec,
            ["editor"] = JsonSerializer.Serialize(Editor.Options),
            ["normalization_mean"] = JsonSerializer.Serialize(Normalization.Mean),
            ["normalization_std"] = JsonSerializer.Serialize(Normalization.Std),
        };
        // Frees the memory's stored copies (labels, radii, inputs) once written.
        using var scope = NewDisposeScope();
        var tensors = NamedTensors().ToList();
        if (Memory is not null)
        {
            var (memoryTensors, memoryMetadata) = Memory.Stored();
            tensors.AddRange(memoryTensors);
            foreach (var (key, value) in memoryMetadata)
            {
                metadata[key] = value;
            }
        }
        // The same tensors and metadata either way: a .safetensors path is for other tools, anything else the store's format.
        if (SafeTensors.Names(path))
        {
            SafeTensors.Write(path, tensors, metadata);
        }
        else
        {
            TensorArchive.Write(path, tensors, metadata);
        }
    }

    /// <summary>Every tensor of the model by its stored name: parameters, buffers, and the editor's (<c>editor.*</c>).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedTensors() =>
        Architecture.Parameters.Select((spec, i) => (spec.Name, Network.Parameters[i]))
            .Concat(Architecture.Buffers.Select((spec, i) => (spec.Name, Network.Buffers[i])))
            .Concat(Editor.State.Select(kv => ($"editor.{kv.Key}", kv.Value)));

    /// <summary>Overwrites every tensor of <see cref="NamedTensors"/> in place from <paramref name="values"/>.</summary>
    /// <exception cref="KeyNotFoundException">A name is missing from <paramref name="values"/>.</exception>
    public void CopyFrom(IReadOnlyDictionary<string, Tensor> values)
    {
        using var _ = no_grad();
        foreach (var (name, tensor) in NamedTensors())
        {
            tensor.copy_(values[name]);
        }
    }

    /// <summary>A model file (see <see cref="Load(string)"/>) placed on <paramref name="device"/>.</summary>
    public static EditableModel Load(string path, Device device) => Load(path).To(device);

    /// <summary>A model file: the store's format, or safetensors (by the <c>.safetensors</c> extension) as <see cref="Save"/> writes it.</summary>
    public static EditableModel Load(string path)
    {
        var (tensors, metadata) = SafeTensors.Names(path) ? SafeTensors.Read(path) : TensorArchive.Read(path);
        try
        {
            string Required(string key) => metadata.TryGetValue(key, out var value)
                ? value
                : throw new DataFormatException($"{path}: metadata '{key}' is missing.");
            var architecture = Architectures.ByName(Required("architecture"), int.Parse(Required("class_count"), CultureInfo.InvariantCulture));
            var byName = tensors.ToDictionary(t => t.Name, t => t.Tensor);
            Tensor Named(string name) => byName.TryGetValue(name, out var t) ? t : throw new DataFormatException($"{path}: tensor '{name}' is missing.");
            var network = Network.FromTensors(architecture,
                architecture.Parameters.Select(p => Named(p.Name)).ToList(),
                architecture.Buffers.Select(b => Named(b.Name)).ToList());
            var options = JsonSerializer.Deserialize<EditorOptions>(Required("editor"))
                ?? throw new DataFormatException($"{path}: editor options are empty.");
            var subset = EditableSubset.Parse(architecture, Required("editable_subset"));
            var editor = new Editor(options, subset.ParameterIndices.Count);
            foreach (var (name, value) in editor.State)
            {
                using var _ = no_grad();
                value.copy_(Named($"editor.{name}"));
            }
            var normalization = new Normalization(
                JsonSerializer.Deserialize<float[]>(Required("normalization_mean"))!,
                JsonSerializer.Deserialize<float[]>(Required("normalization_std"))!);
            var model = new EditableModel(network, normalization, subset, editor);
            model.Attach(CorrectionMemory.FromStored(byName, metadata, [.. architecture.InputShape.Select(d => (int)d)]));
            return model;
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException($"{path}: {e.Message}", e);
        }
        finally
        {
            foreach (var (_, t) in tensors)
            {
                t.Dispose();
            }
        }
    }

    private void Validate(Tensor raw, Tensor targets)
    {
        // Checked before any tensor op: a shape mismatch inside libtorch can abort the process.
        var expected = Architecture.InputShape;
        if (raw.dim() != 4 || !raw.shape.Skip(1).SequenceEqual(expected))
        {
            throw new ArgumentException($"Inputs must be [N, {string.Join(", ", expected)}], got [{string.Join(", ", raw.shape)}].");
        }
        if (targets.dim() != 1 || targets.shape[0] != raw.shape[0] || targets.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"Targets must be int64 [{raw.shape[0]}], got {targets.dtype} [{string.Join(", ", targets.shape)}].");
        }
        using var low = targets.min();
        using var high = targets.max();
        if (low.item<long>() < 0 || high.item<long>() >= Architecture.ClassCount)
        {
            throw new ArgumentException($"Targets must lie in [0, {Architecture.ClassCount}).");
        }
    }

    public void Dispose()
    {
        Network.Dispose();
        Editor.Dispose();
        Memory?.Dispose();
    }
}
