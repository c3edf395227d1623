using Corrections.Editing.Data;

namespace Corrections.Cli;

/// <summary>
/// Resolves a data set name from the command line: <c>fashion-mnist</c> (the Debian package's files),
/// <c>fashion-mnist:DIR</c>, <c>cifar10:DIR</c> (the binary version).
/// </summary>
public static class DataSources
{
    public static LabeledImages Load(string spec, DatasetSplit split, int? limit = null)
    {
        var (name, directory) = Split(spec);
        var data = name switch
        {
            "fashion-mnist" => FashionMnist.Load(directory ?? FashionMnist.DefaultDirectory, split),
            "cifar10" => Cifar10.Load(directory ?? throw new ArgumentException("cifar10 needs a directory: cifar10:/path/to/cifar-10-batches-bin"), split),
            _ => throw new ArgumentException($"Unknown data set '{name}'. Use fashion-mnist[:DIR] or cifar10:DIR."),
        };
        if (limit is null || limit >= data.Count)
        {
            return data;
        }
        using (data)
        {
            return data.Take(limit.Value);
        }
    }

    public static Normalization NormalizationFor(string spec) => Split(spec).Name switch
    {
        "cifar10" => Normalization.Cifar10,
        _ => Normalization.FashionMnist,
    };

    public static string ArchitectureFor(string spec) => Split(spec).Name == "cifar10"
        ? Editing.Models.Architectures.ResNet18Name
        : Editing.Models.Architectures.SmallCnnName;

    private static (string Name, string? Directory) Split(string spec)
    {
        var colon = spec.IndexOf(':');
        return colon < 0 ? (spec, null) : (spec[..colon], spec[(colon + 1)..]);
    }
}
