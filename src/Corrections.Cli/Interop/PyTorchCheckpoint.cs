using System.Collections;
using System.IO.Compression;
using Corrections.Editing.Data;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using static TorchSharp.torch;

namespace Corrections.Cli.Interop;

/// <summary>
/// Reads a <c>state_dict</c> that PyTorch's <c>torch.save</c> wrote (the zip format, PyTorch 1.6 and later): a pickle of an
/// <c>OrderedDict</c> whose tensors point at raw storages stored beside it in the archive. Only what a state_dict holds
/// is understood: tensors, the dict, and its version metadata; a whole pickled module or an optimizer is refused. The
/// pickle runs no code here (unknown classes become inert dictionaries), but the result is checked before use anyway.
/// </summary>
public static class PyTorchCheckpoint
{
    public static bool Names(string path) =>
        path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase);

    static PyTorchCheckpoint()
    {
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", new TensorConstructor());
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", new Refused("a pickled nn.Parameter: save model.state_dict(), not the model"));
        Unpickler.registerConstructor("collections", "OrderedDict", new StateDictConstructor());
    }

    /// <summary>Every tensor of the state_dict by name; the caller owns (and disposes) them.</summary>
    /// <exception cref="DataFormatException">Not a zip-format torch.save file, or not a state_dict of tensors.</exception>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"{path} is not a torch.save file of PyTorch 1.6 or later (a zip archive): {e.Message} Re-save it with torch.save(model.state_dict(), path).", e);
        }
        using (archive)
        {
            var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                ?? throw new DataFormatException($"{path}: the archive has no data.pkl; it is not a torch.save file.");
            var storages = new Storages(archive, path);
            object loaded;
            try
            {
                using var unpickler = new CheckpointUnpickler(storages);
                using var stream = pickle.Open();
                loaded = unpickler.load(stream);
            }
            catch (Exception e) when (e is PickleException or InvalidCastException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException)
            {
                storages.Dispose();
                throw new DataFormatException($"{path}: not a state_dict PyTorch saved ({e.Message}).", e);
            }
            try
            {
                return StateDict(loaded, path);
            }
            finally
            {
                storages.Dispose();
            }
        }
    }

    private static Dictionary<string, Tensor> StateDict(object loaded, string path)
    {
        if (loaded is not IDictionary dictionary)
        {
            throw new DataFormatException($"{path} holds a {loaded?.GetType().Name ?? "null"}, not a state_dict; save model.state_dict().");
        }
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string name || entry.Value is not Tensor tensor)
            {
                foreach (var t in tensors.Values)
                {
                    t.Dispose();
                }
                throw new DataFormatException($"{path}: entry '{entry.Key}' is a {entry.Value?.GetType().Name ?? "null"}, not a tensor; only a model's state_dict is read (not an optimizer's or a training checkpoint's).");
            }
            tensors[name] = tensor;
        }
        return tensors;
    }

    /// <summary>The archive's raw storages, each read once and shared by the tensors that view it.</summary>
    private sealed class Storages(ZipArchive archive, string path) : IDisposable
    {
        private readonly Dictionary<string, Tensor> _read = [];

        public Tensor Get(string key, string storageType, long count)
        {
            if (_read.TryGetValue(key, out var known))
            {
                return known;
            }
            var dtype = storageType switch
            {
                "FloatStorage" => ScalarType.Float32,
                "DoubleStorage" => ScalarType.Float64,
                "HalfStorage" => ScalarType.Float16,
                "BFloat16Storage" => ScalarType.BFloat16,
                "LongStorage" => ScalarType.Int64,
                "IntStorage" => ScalarType.Int32,
                "ByteStorage" => ScalarType.Byte,
                "BoolStorage" => ScalarType.Bool,
                _ => throw new NotSupportedException($"storage type {storageType} is not read"),
            };
            var entry = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith($"/data/{key}", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"storage {key} is missing from the archive");
            var storage = empty(count, dtype);
            var bytes = new byte[checked(count * storage.ElementSize)];
            if (entry.Length != bytes.Length)
            {
                storage.Dispose();
                throw new InvalidOperationException($"storage {key} holds {entry.Length} bytes, {count} × {dtype} needs {bytes.Length} (truncated or corrupt: {path})");
            }
            using (var stream = entry.Open())
            {
                stream.ReadExactly(bytes);
            }
            storage.bytes = bytes;
            _read[key] = storage;
            return storage;
        }

        public void Dispose()
        {
            foreach (var storage in _read.Values)
            {
                storage.Dispose();
            }
        }
    }

    /// <summary>Resolves torch.save's persistent ids, <c>('storage', torch.FloatStorage, key, location, numel)</c>, to storages.</summary>
    private sealed class CheckpointUnpickler(Storages storages) : Unpickler
    {
        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: 5 } id || id[0] is not "storage" || id[1] is not ClassDictConstructor type || id[2] is not string key)
            {
                throw new InvalidOperationException("an unknown persistent id (only tensor storages are read)");
            }
            return storages.Get(key, type.name, Convert.ToInt64(id[4]));
        }
    }

    /// <summary><c>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)</c>: a copy of the view the tensor was.</summary>
    private sealed class TensorConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            var storage = (Tensor)args[0];
            var offset = Convert.ToInt64(args[1]);
            var size = ((object[])args[2]).Select(Convert.ToInt64).ToArray();
            var stride = ((object[])args[3]).Select(Convert.ToInt64).ToArray();
            // Checked before the view: as_strided past the storage's end would read outside it.
            var last = offset + size.Zip(stride, (n, s) => n == 0 ? 0 : (n - 1) * s).Sum();
            if (size.Length != stride.Length || offset < 0 || stride.Any(s => s < 0) || (size.All(n => n > 0) && last >= storage.shape[0]))
            {
                throw new InvalidOperationException($"a tensor of size [{string.Join(", ", size)}] does not fit its storage of {storage.shape[0]} elements");
            }
            using var view = storage.as_strided(size, stride, offset);
            return view.clone();
        }
    }

    /// <summary>The state_dict: a dictionary that also takes the attributes pickle restores on it (its <c>_metadata</c>).</summary>
    private sealed class StateDictConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new PickledStateDict();
    }

    private sealed class PickledStateDict : Hashtable
    {
        // Pickle's BUILD calls __setstate__ by name with the dict's attributes: the module versions, not needed here.
#pragma warning disable IDE1006, IDE0060, CA1822
        public void __setstate__(Hashtable attributes)
        {
        }
#pragma warning restore IDE1006, IDE0060, CA1822
    }

    private sealed class Refused(string what) : IObjectConstructor
    {
        public object construct(object[] args) => throw new NotSupportedException(what);
    }
}
