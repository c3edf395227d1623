using System.Text.RegularExpressions;
using Corrections.Editing.Data;
using Corrections.Editing.Models;
using static TorchSharp.torch;

namespace Corrections.Editing.Persistence;

/// <summary>
/// A network of a built-in architecture from another framework's tensors, by name: a PyTorch <c>state_dict</c> (read by
/// the caller from <c>torch.save</c>'s file or a safetensors file). ResNet-18 takes torchvision's names
/// (<c>conv1</c>, <c>bn1</c>, <c>layerN.B.downsample.*</c>, <c>fc</c>) and those of the common CIFAR ResNet
/// (<c>layerN.B.shortcut.*</c>, <c>linear</c>), the small CNN its own (<c>conv1</c>, <c>conv2</c>, <c>fc1</c>,
/// <c>head</c>). Every parameter and buffer must be there with its exact shape; anything else is refused by name, so a
/// model of another shape never loads half-right.
/// </summary>
public static partial class StateDictImport
{
    /// <summary>What was imported: the network, and the names that were read but have no counterpart (BatchNorm's counters).</summary>
    public sealed record Imported(Network Network, IReadOnlyList<string> Ignored, IReadOnlyList<string> Converted);

    /// <summary>The class count the file's classifier has (its last weight's rows).</summary>
    public static int ClassCount(string architecture, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var head = Architectures.IsResNet18(architecture) ? "fc.weight" : "head.weight";
        var byOurName = Rename(architecture, tensors);
        return byOurName.TryGetValue(head, out var weight) && weight.Tensor.dim() == 2
            ? (int)weight.Tensor.shape[0]
            : throw new DataFormatException($"No classifier weight '{head}' (or its PyTorch name) with two dimensions: is this a {architecture} state_dict?");
    }

    /// <param name="architecture">The built-in architecture whose tensors <paramref name="tensors"/> holds.</param>
    /// <param name="tensors">The state_dict by its own names.</param>
    public static Imported ToNetwork(Architecture architecture, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var byOurName = Rename(architecture.Name, tensors);
        var ignored = tensors.Keys.Where(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).Order().ToList();
        var expected = architecture.Parameters.Concat(architecture.Buffers).ToList();
        var missing = expected.Where(spec => !byOurName.ContainsKey(spec.Name)).Select(spec => spec.Name).ToList();
        var unexpected = byOurName.Keys.Except(expected.Select(spec => spec.Name)).Select(name => byOurName[name].Theirs).Order().ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new DataFormatException($"Not a {architecture.Name} state_dict: "
                + (missing.Count > 0 ? $"missing {Few(missing)}" : "")
                + (missing.Count > 0 && unexpected.Count > 0 ? "; " : "")
                + (unexpected.Count > 0 ? $"unexpected {Few(unexpected)}" : "") + ".");
        }
        var converted = new List<string>();
        // Only the conversions are this method's to free: the network copies what it keeps.
        var temporaries = new List<Tensor>();
        Tensor Checked(ParameterSpec spec)
        {
            var (theirs, tensor) = byOurName[spec.Name];
            // Checked before any tensor op: a shape mismatch inside libtorch can abort the process.
            if (!tensor.shape.SequenceEqual(spec.Shape))
            {
                throw new DataFormatException($"{theirs} is [{string.Join(", ", tensor.shape)}]; {architecture.Name} with {architecture.ClassCount} classes needs [{string.Join(", ", spec.Shape)}].");
            }
            if (tensor.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
            {
                throw new DataFormatException($"{theirs} is {tensor.dtype}; a weight must be floating point.");
            }
            if (tensor.dtype == ScalarType.Float32)
            {
                return tensor;
            }
            converted.Add($"{theirs} ({tensor.dtype})");
            var single = tensor.to(ScalarType.Float32);
            temporaries.Add(single);
            return single;
        }
        try
        {
            var network = Network.FromTensors(architecture,
                architecture.Parameters.Select(Checked).ToList(),
                architecture.Buffers.Select(Checked).ToList());
            return new Imported(network, ignored, converted);
        }
        finally
        {
            temporaries.ForEach(t => t.Dispose());
        }
    }

    private static Dictionary<string, (string Theirs, Tensor Tensor)> Rename(string architecture, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var renamed = new Dictionary<string, (string, Tensor)>();
        foreach (var (theirs, tensor) in tensors)
        {
            if (theirs.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            {
                continue;
            }
            var ours = OurName(architecture, theirs);
            if (!renamed.TryAdd(ours, (theirs, tensor)))
            {
                throw new DataFormatException($"{theirs} and {renamed[ours].Item1} are the same tensor ({ours}) under two names.");
            }
        }
        return renamed;
    }

    /// <summary>The name this project gives a tensor PyTorch code calls <paramref name="theirs"/>.</summary>
    public static string OurName(string architecture, string theirs)
    {
        // nn.DataParallel and DistributedDataParallel save every name under "module.".
        var name = theirs.StartsWith("module.", StringComparison.Ordinal) ? theirs["module.".Length..] : theirs;
        if (!Architectures.IsResNet18(architecture))
        {
            return name;
        }
        name = Stem().Replace(name, "stem.$1.");
        name = Downsample().Replace(name, "$1.shortcut.");
        return name.StartsWith("linear.", StringComparison.Ordinal) ? $"fc.{name["linear.".Length..]}" : name;
    }

    private static string Few(IReadOnlyList<string> names) =>
        names.Count <= 6 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(6))} and {names.Count - 6} more";

    // torchvision's stem (conv1, bn1) is this project's "stem" stage; block-level conv1/bn1 keep their names.
    [GeneratedRegex(@"^(conv|bn)1\.")]
    private static partial Regex Stem();

    [GeneratedRegex(@"^(layer\d\.\d+)\.downsample\.")]
    private static partial Regex Downsample();
}
