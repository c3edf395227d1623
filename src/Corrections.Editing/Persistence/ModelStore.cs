using System.Globalization;
using System.Text.RegularExpressions;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Persistence;

/// <summary>
/// Model versions on disk under one root, as <c>&lt;model&gt;/&lt;number&gt;.ctm</c>. Writes are atomic (temp file +
/// rename), every load checks the SHA-256 the caller recorded, and an edit version stores only the tensors the editor
/// changed, with its parent's location and hash, whenever that is smaller than the whole model. With a
/// <paramref name="shared"/> store, every file written is also put there and every file missing here (or changed) is
/// fetched from there, so hosts need no common directory.
/// </summary>
public sealed partial class ModelStore(string root, IArtifactStore? shared = null, Device? device = null)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Where every loaded model is placed (see <see cref="ComputeDevice"/>); files are read on the CPU.</summary>
    public Device Device { get; } = device ?? CPU;

    /// <summary>The store every host reaches, or null when this directory is the only copy.</summary>
    public IArtifactStore? Shared { get; } = shared;

    public StoredVersion SaveFull(string model, int number, EditableModel value)
    {
        var path = PathOf(model, number);
        value.Save(path, new Dictionary<string, string> { ["kind"] = "full" });
        return Published(path, isDelta: false);
    }

    /// <summary>
    /// Saves <paramref name="edited"/>, a descendant of <paramref name="parent"/> that differs from it only in its
    /// editable subset and its memory: as a delta when the subset is at most half the model (ResNet-18's layer3 is about
    /// 2 of 11 M parameters) or when the weights did not change at all (a candidate that only remembers), else in full.
    /// A delta that saves little is not worth the parent chain every load must walk: the small CNN's fc1+head are 95 %
    /// of it. With <paramref name="parentModel"/> (the parent as loaded), tensors equal to the parent's are not stored
    /// again: a remembering chain then stores only its memory's entries per version.
    /// </summary>
    public StoredVersion SaveEdit(string model, int number, EditableModel edited, StoredVersion parent, EditableModel? parentModel = null)
    {
        using var scope = NewDisposeScope();
        var indices = edited.Subset.ParameterIndices;
        var changed = indices.Where(i => parentModel is null || !Same(edited.Network.Parameters[i], parentModel.Network.Parameters[i])).ToList();
        var changedElements = changed.Sum(i => edited.Architecture.Parameters[i].ElementCount);
        if (changedElements * 2 > edited.Architecture.ParameterCount)
        {
            return SaveFull(model, number, edited);
        }
        var path = PathOf(model, number);
        var tensors = changed.Select(i => (edited.Architecture.Parameters[i].Name, edited.Network.Parameters[i])).ToList();
        var metadata = new Dictionary<string, string>
        {
            ["kind"] = "delta",
            ["parent"] = parent.Location,
            ["parent_sha256"] = parent.Sha256,
            ["parent_is_delta"] = parent.IsDelta.ToString(CultureInfo.InvariantCulture),
            ["parent_bytes"] = parent.Bytes.ToString(CultureInfo.InvariantCulture),
        };
        if (edited.Memory is not null)
        {
            // The memory is the version's own, not its parent's: a delta stores its entries whole, and its clean reference
            // (5,000 keys, the bulk of it) only when the parent's differs.
            var (memoryTensors, memoryMetadata) = edited.Memory.Stored();
            var shared = parentModel?.Memory is { } parentMemory && edited.Memory.SharesReferenceWith(parentMemory);
            tensors.AddRange(memoryTensors.Where(t => !shared || !CorrectionMemory.ReferenceTensors.Contains(t.Name)));
            foreach (var (key, value) in memoryMetadata)
            {
                metadata[key] = value;
            }
        }
        TensorArchive.Write(path, tensors, metadata);
        return Published(path, isDelta: true);
    }

    /// <summary>Loads a version, verifying its hash and, for a delta, its ancestors' hashes.</summary>
    public EditableModel Load(StoredVersion version) => Load(version, null);

    /// <summary>
    /// The same, starting from <paramref name="loaded"/> (a version already in memory, cloned, never changed) where the
    /// chain of deltas reaches it: following a chain of remembering versions costs one file per version instead of
    /// every file back to the last full one.
    /// </summary>
    public EditableModel Load(StoredVersion version, (StoredVersion Stored, EditableModel Model)? loaded)
    {
        if (loaded is { } known && known.Stored.Location == version.Location && known.Stored.Sha256 == version.Sha256)
        {
            return known.Model.Clone();
        }
        var (path, actual) = Local(version);
        if (actual != version.Sha256)
        {
            throw new DataFormatException($"{version.Location}: SHA-256 is {actual}, the registry recorded {version.Sha256}. The file was changed or corrupted.");
        }
        if (!version.IsDelta)
        {
            return EditableModel.Load(path).To(Device);
        }
        var (tensors, metadata) = TensorArchive.Read(path);
        try
        {
            var parent = new StoredVersion(metadata["parent"], metadata["parent_sha256"], bool.Parse(metadata["parent_is_delta"]), long.Parse(metadata["parent_bytes"], CultureInfo.InvariantCulture));
            var model = Load(parent, loaded);
            var names = model.Architecture.Parameters.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i);
            using (no_grad())
            {
                foreach (var (name, value) in tensors.Where(t => !t.Name.StartsWith("memory.", StringComparison.Ordinal)))
                {
                    if (!names.TryGetValue(name, out var index) || !model.Network.Parameters[index].shape.SequenceEqual(value.shape))
                    {
                        model.Dispose();
                        throw new DataFormatException($"{version.Location}: tensor {name} does not fit the parent's architecture.");
                    }
                    model.Network.Parameters[index].copy_(value);
                }
            }
            model.Attach(CorrectionMemory.FromStored(tensors.ToDictionary(t => t.Name, t => t.Tensor), metadata, [.. model.Architecture.InputShape.Select(d => (int)d)], model.Memory));
            return model;
        }
        catch (KeyNotFoundException e)
        {
            throw new DataFormatException($"{version.Location}: delta metadata incomplete ({e.Message}).", e);
        }
        finally
        {
            foreach (var (_, t) in tensors)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// The version's file on this host, fetched from the shared store first when it is missing here or differs from
    /// the recorded hash (a host's cache is not the record). Only the version's own file: a delta's parents are fetched
    /// as <see cref="Load(StoredVersion)"/> walks to them. Returns the file's SHA-256 too, hashed once (a ResNet-18 is
    /// 45 MB), for the caller to check against the record.
    /// </summary>
    public (string Path, string Sha256) Local(StoredVersion version)
    {
        var path = Resolve(version.Location);
        var held = File.Exists(path) ? TensorArchive.Sha256(path) : null;
        if (Shared is null || held == version.Sha256)
        {
            // Without a shared store a missing file fails here, as it always did: hashing it throws FileNotFoundException.
            return (path, held ?? TensorArchive.Sha256(path));
        }
        // Through a temporary file: a fetch cut short leaves nothing behind, and a reader never sees half a file.
        AtomicFile.Write(path, stream =>
        {
            if (!Shared.TryGet(version.Sha256, stream))
            {
                throw new DataFormatException($"{version.Location}: the shared artifact store holds no file with SHA-256 {version.Sha256}.");
            }
        });
        return (path, TensorArchive.Sha256(path));
    }

    private StoredVersion Published(string path, bool isDelta)
    {
        var stored = Describe(path, isDelta);
        Shared?.Put(stored.Sha256, path);
        return stored;
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var same = a.eq(b).all();
        return a.shape.SequenceEqual(b.shape) && same.item<bool>();
    }

    private StoredVersion Describe(string path, bool isDelta) =>
        new(Path.GetRelativePath(Root, path), TensorArchive.Sha256(path), isDelta, new FileInfo(path).Length);

    private string PathOf(string model, int number)
    {
        if (!ModelName().IsMatch(model))
        {
            throw new ArgumentException($"Model name '{model}' is not allowed: use 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.");
        }
        if (number < 1)
        {
            throw new ArgumentException($"Version numbers start at 1, got {number}.");
        }
        return Resolve(Path.Combine(model, $"{number}.ctm"));
    }

    /// <summary>A stored location, refused if it would leave the root (a tampered registry row, say).</summary>
    private string Resolve(string location)
    {
        var full = Path.GetFullPath(Path.Combine(Root, location));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Location '{location}' lies outside the model store.");
        }
        return full;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex ModelName();
}
