using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Correcting;

/// <summary>
/// Corrections the weights do not (yet) make, kept as a codebook beside the network: each entry is a corrected input's
/// key (the activation entering <see cref="KeyStage"/>), its label and a radius. An input whose key falls within an
/// entry's radius gets that entry's label (the nearest such entry wins). Like GRACE's codebook, with two differences
/// that make it safe to keep every correction live:
/// <list type="bullet">
/// <item>every correction keeps an entry of its own (nothing is merged into a neighbour), so a conflict can shrink a
/// radius but never uncover a reported input: its own key lies at distance 0;</item>
/// <item>a radius reaches at most <see cref="RadiusScale"/> × half the distance to the nearest key of another label,
/// counting the keys of clean reference inputs with their true labels, so an entry cannot capture the clean inputs
/// around it.</item>
/// </list>
/// Keys sit below the editable stages when <see cref="KeyStage"/> is at or below the subset's first stage; otherwise
/// anything that changes the weights must <see cref="Rebuild"/> the memory. Every shrink is counted.
/// </summary>
public sealed class CorrectionMemory : IDisposable
{
    private Tensor _keys;
    private readonly List<long> _labels = [];
    private readonly List<double> _radii = [];
    private Tensor _referenceKeys;
    private long[] _referenceLabels = [];

    /// <param name="keyStage">The stage whose input is the key.</param>
    /// <param name="radiusScale">Share of half the distance to the nearest other-label key that a radius may reach, in (0, 1].</param>
    /// <param name="imageShape">[C, H, W] of the corrected inputs.</param>
    public CorrectionMemory(int keyStage, double radiusScale, int[] imageShape)
    {
        if (radiusScale is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(radiusScale), radiusScale, "The radius scale lies in (0, 1].");
        }
        KeyStage = keyStage;
        RadiusScale = radiusScale;
        Entries = new CorrectionSet(imageShape);
        _keys = empty(0);
        _referenceKeys = empty(0);
    }

    public int KeyStage { get; }

    /// <summary>Where the keys live: the device of the model that keyed them (see <see cref="MoveTo"/>).</summary>
    public Device Device => _keys.device;

    /// <summary>Moves the keys to <paramref name="device"/>; a model attaching the memory moves it to its own.</summary>
    public void MoveTo(Device device)
    {
        // Each on its own: a delta's keys come from its file, its reference from the parent's memory.
        if (!ComputeDevice.Same(_keys.device, device))
        {
            Replace(ref _keys, _keys.to(device));
        }
        if (!ComputeDevice.Same(_referenceKeys.device, device))
        {
            Replace(ref _referenceKeys, _referenceKeys.to(device));
        }
    }

    public double RadiusScale { get; }

    /// <summary>The corrected inputs and labels the memory holds, in the order of its keys.</summary>
    public CorrectionSet Entries { get; private set; }

    public int Count => _labels.Count;

    public IReadOnlyList<double> Radii => _radii;

    /// <summary>How many times adding an entry shrank another entry's radius.</summary>
    public int Shrinks { get; private set; }

    /// <summary>
    /// Keys every entry of <paramref name="entries"/> anew under <paramref name="model"/>'s weights, with the clean reference
    /// inputs <paramref name="referenceImages"/> (and their true labels) as the limit on every radius.
    /// </summary>
    public void Rebuild(EditableModel model, CorrectionSet entries, Tensor referenceImages, Tensor referenceLabels)
    {
        using var scope = NewDisposeScope();
        using var infinity = float.PositiveInfinity.ToScalar();
        var (x, y) = entries.ToTensors();
        var keys = Keys(model, x);
        var referenceKeys = Keys(model, referenceImages);
        Replace(ref _keys, keys.DetachFromDisposeScope());
        Replace(ref _referenceKeys, referenceKeys.DetachFromDisposeScope());
        _referenceLabels = referenceLabels.cpu().data<long>().ToArray();
        Entries = entries.Select(Enumerable.Range(0, entries.Count));
        _labels.Clear();
        _labels.AddRange(y.data<long>().ToArray());
        _radii.Clear();
        if (Count == 0)
        {
            return;
        }
        // All radii at once: the nearest other-label reference and the nearest other-label entry of every entry.
        // Labels come from the CPU; the comparisons run where the keys are.
        y = y.to(Device);
        var nearest = full(Count, infinity, device: Device);
        if (_referenceLabels.Length > 0)
        {
            var toReferences = cdist(_keys, _referenceKeys);
            var other = y.view(-1, 1).ne(referenceLabels.to(Device).view(1, -1));
            nearest = minimum(nearest, where(other, toReferences, full_like(toReferences, infinity)).min(1).values);
        }
        var toEntries = cdist(_keys, _keys);
        var otherEntry = y.view(-1, 1).ne(y.view(1, -1));
        nearest = minimum(nearest, where(otherEntry, toEntries, full_like(toEntries, infinity)).min(1).values);
        _radii.AddRange(nearest.cpu().data<float>().ToArray().Select(d => float.IsPositiveInfinity(d) ? 0.0 : RadiusScale * d / 2));
    }

    /// <summary>Adds one correction; an entry of another label closer than twice its radius is shrunk to make room.</summary>
    public void Add(EditableModel model, ReadOnlySpan<float> input, long label)
    {
        using var scope = NewDisposeScope();
        var image = tensor(input.ToArray(), [1, .. Entries.ImageShape.Select(d => (long)d)]);
        var key = Keys(model, image);
        if (Count > 0)
        {
            var distances = cdist(key, _keys).flatten().cpu().data<float>().ToArray();
            for (var j = 0; j < Count; j++)
            {
                var limit = RadiusScale * distances[j] / 2;
                if (_labels[j] != label && limit < _radii[j])
                {
                    _radii[j] = limit;
                    Shrinks++;
                }
            }
        }
        var radius = RadiusFor(key[0], label, exclude: -1);
        Replace(ref _keys, (Count == 0 ? key : cat([_keys, key])).DetachFromDisposeScope());
        Entries.Add(input, label);
        _labels.Add(label);
        _radii.Add(radius);
    }

    /// <summary>The label of the covering entry nearest to each input's key, or -1 where none covers it.</summary>
    public long[] Lookup(Tensor keys)
    {
        var result = Enumerable.Repeat(-1L, (int)keys.shape[0]).ToArray();
        if (Count == 0 || keys.shape[0] == 0)
        {
            return result;
        }
        using var scope = NewDisposeScope();
        // Scalars held to the end: a temporary one can be finalised while libtorch still reads it ("Unknown scalar
        // type", seen once in a 2,000-report stream in a process whose other threads allocate), and this runs on
        // every prediction.
        using var toleranceScale = KeyTolerance.ToScalar();
        using var infinity = float.PositiveInfinity.ToScalar();
        // add's default alpha is such a temporary too (seen as "Expected false to be true" from Scalar::toFloat).
        using var one = 1.0.ToScalar();
        var distances = cdist(keys, _keys);
        // A reported input's own key must find its entry at any radius, 0 included; the same input keyed in another
        // batch (or through the matrix-product form of cdist) lands a rounding error away, not at exactly 0.
        var tolerance = _keys.norm(1, keepdim: false).mul(toleranceScale).view(1, -1);
        var radii = tensor(_radii.Select(r => (float)r).ToArray(), device: Device).view(1, -1).add(tolerance, one);
        var covered = where(distances.le(radii), distances, full_like(distances, infinity));
        var (nearest, index) = covered.min(1);
        var found = nearest.isfinite().cpu().data<bool>().ToArray();
        var indices = index.cpu().data<long>().ToArray();
        for (var i = 0; i < result.Length; i++)
        {
            if (found[i])
            {
                result[i] = _labels[(int)indices[i]];
            }
        }
        return result;
    }

    /// <summary>
    /// <paramref name="logits"/> [N, K] with every covered row replaced by one that puts (almost) all probability on
    /// the entry's label: a remembered correction answers with certainty, as a lookup would.
    /// </summary>
    public Tensor Override(Tensor keys, Tensor logits)
    {
        var remembered = Lookup(keys.flatten(1));
        if (remembered.All(l => l < 0))
        {
            return logits.clone();
        }
        using var scope = NewDisposeScope();
        using var zero = 0L.ToScalar();
        using var margin = RememberedMargin.ToScalar();
        var labels = tensor(remembered, device: logits.device);
        var covered = labels.ge(zero).view(-1, 1);
        var certain = nn.functional.one_hot(labels.clamp_min(zero), logits.shape[1]).to(logits.dtype).mul(margin).sub(margin);
        return where(covered, certain, logits).MoveToOuterDisposeScope();
    }

    // Relative to a key's norm: float32 rounding of a forward pass is ~1e-6 of it; clean neighbours lie orders further.
    private const double KeyTolerance = 1e-4;

    // Logit gap between a remembered label and every other class: e^30 makes the others' probability negligible.
    private const double RememberedMargin = 30;

    /// <summary>A deep copy: the same entries, keys, radii and reference.</summary>
    public CorrectionMemory Clone()
    {
        var copy = new CorrectionMemory(KeyStage, RadiusScale, Entries.ImageShape)
        {
            Entries = Entries.Select(Enumerable.Range(0, Entries.Count)),
            Shrinks = Shrinks,
            _referenceLabels = [.. _referenceLabels],
        };
        Replace(ref copy._keys, _keys.clone().DetachFromDisposeScope());
        Replace(ref copy._referenceKeys, _referenceKeys.clone().DetachFromDisposeScope());
        copy._labels.AddRange(_labels);
        copy._radii.AddRange(_radii);
        return copy;
    }

    /// <summary>The memory's state as named tensors (stored beside a model's, prefixed <c>memory.</c>) and metadata.</summary>
    public (IReadOnlyList<(string Name, Tensor Tensor)> Tensors, IReadOnlyDictionary<string, string> Metadata) Stored()
    {
        var (inputs, labels) = Entries.ToTensors();
        var tensors = new List<(string, Tensor)>
        {
            ("memory.keys", _keys),
            ("memory.labels", labels),
            ("memory.radii", tensor(_radii.ToArray(), ScalarType.Float64)),
            ("memory.inputs", inputs),
            ("memory.reference_keys", _referenceKeys),
            ("memory.reference_labels", tensor(_referenceLabels)),
        };
        var metadata = new Dictionary<string, string>
        {
            ["memory_key_stage"] = KeyStage.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["memory_radius_scale"] = RadiusScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["memory_shrinks"] = Shrinks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return (tensors, metadata);
    }

    /// <summary>
    /// Whether this memory's clean reference is <paramref name="other"/>'s (same keys, same labels): a memory built on
    /// the version before it stores its reference once, in that version (<see cref="FromStored"/>).
    /// </summary>
    public bool SharesReferenceWith(CorrectionMemory other)
    {
        if (!_referenceLabels.SequenceEqual(other._referenceLabels) || !_referenceKeys.shape.SequenceEqual(other._referenceKeys.shape))
        {
            return false;
        }
        using var theirs = other._referenceKeys.to(_referenceKeys.device);
        using var same = _referenceKeys.eq(theirs).all();
        return same.item<bool>();
    }

    /// <summary>The names of the tensors <see cref="Stored"/> writes for the clean reference.</summary>
    public static IReadOnlyList<string> ReferenceTensors { get; } = ["memory.reference_keys", "memory.reference_labels"];

    /// <summary>
    /// Rebuilds a memory from <see cref="Stored"/> state, or null when the metadata holds none. Where the state lacks the
    /// reference tensors (<see cref="ReferenceTensors"/>) they come from <paramref name="parent"/>'s memory.
    /// </summary>
    /// <exception cref="Data.DataFormatException">The state is incomplete or inconsistent.</exception>
    public static CorrectionMemory? FromStored(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata, int[] imageShape, CorrectionMemory? parent = null)
    {
        if (!metadata.TryGetValue("memory_key_stage", out var stage))
        {
            return null;
        }
        Tensor Named(string name)
        {
            if (tensors.TryGetValue(name, out var t))
            {
                return t;
            }
            return name == "memory.reference_keys" && parent is not null
                ? parent._referenceKeys
                : throw new Data.DataFormatException($"Stored memory: tensor '{name}' is missing.");
        }
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var memory = new CorrectionMemory(int.Parse(stage, c), double.Parse(metadata["memory_radius_scale"], c), imageShape)
        {
            Shrinks = int.Parse(metadata["memory_shrinks"], c),
        };
        var (keys, labels, radii, inputs) = (Named("memory.keys"), Named("memory.labels"), Named("memory.radii"), Named("memory.inputs"));
        var count = labels.shape[0];
        if (keys.dim() != 2 || keys.shape[0] != count || radii.shape[0] != count || inputs.shape[0] != count || radii.dtype != ScalarType.Float64 || labels.dtype != ScalarType.Int64)
        {
            throw new Data.DataFormatException($"Stored memory: keys [{string.Join(", ", keys.shape)}], labels [{count}], radii [{string.Join(", ", radii.shape)}] and inputs [{string.Join(", ", inputs.shape)}] disagree.");
        }
        Replace(ref memory._keys, keys.clone().DetachFromDisposeScope());
        Replace(ref memory._referenceKeys, Named("memory.reference_keys").clone().DetachFromDisposeScope());
        memory._referenceLabels = tensors.TryGetValue("memory.reference_labels", out var referenceLabels) ? referenceLabels.data<long>().ToArray()
            : parent?._referenceLabels.ToArray() ?? throw new Data.DataFormatException("Stored memory: tensor 'memory.reference_labels' is missing.");
        memory._labels.AddRange(labels.data<long>().ToArray());
        memory._radii.AddRange(radii.data<double>().ToArray());
        var values = inputs.contiguous().data<float>().ToArray();
        var size = memory.Entries.ElementCount;
        for (var i = 0; i < count; i++)
        {
            memory.Entries.Add(values.AsSpan(i * size, size), memory._labels[i]);
        }
        return memory;
    }

    public void Dispose()
    {
        _keys.Dispose();
        _referenceKeys.Dispose();
    }

    private Tensor Keys(EditableModel model, Tensor images)
    {
        using var x = model.Preprocess(images);
        return model.Network.Logits(x, toStage: KeyStage).flatten(1);
    }

    private double RadiusFor(Tensor key, long label, int exclude)
    {
        using var scope = NewDisposeScope();
        using var ownLabel = label.ToScalar();
        using var infinity = float.PositiveInfinity.ToScalar();
        var nearest = double.PositiveInfinity;
        if (_referenceLabels.Length > 0)
        {
            var other = tensor(_referenceLabels, device: Device).ne(ownLabel);
            var distances = cdist(key.view(1, -1), _referenceKeys).flatten();
            var masked = where(other, distances, full_like(distances, infinity));
            nearest = Math.Min(nearest, masked.min().item<float>());
        }
        if (Count > 0)
        {
            var distances = cdist(key.view(1, -1), _keys).flatten().cpu().data<float>().ToArray();
            for (var j = 0; j < distances.Length; j++)
            {
                if (j != exclude && _labels[j] != label)
                {
                    nearest = Math.Min(nearest, distances[j]);
                }
            }
        }
        // With no other label anywhere nothing limits the radius; an entry then covers its own key alone.
        return double.IsPositiveInfinity(nearest) ? 0 : RadiusScale * nearest / 2;
    }

    private static void Replace(ref Tensor field, Tensor value)
    {
        field.Dispose();
        field = value;
    }
}
