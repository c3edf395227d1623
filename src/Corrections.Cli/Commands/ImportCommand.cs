using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Cli.Interop;
using Corrections.Cli.Operations;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Corrections.Cli.Commands;

/// <summary>
/// <c>import</c>: a model trained elsewhere, as a model file of this project. It reads a PyTorch <c>state_dict</c>
/// (<c>torch.save</c>'s <c>.pt</c>/<c>.pth</c>) or a safetensors file for a built-in architecture, torchvision names
/// included (<see cref="StateDictImport"/>), and writes a plain model: <c>corrections train --init</c> then makes it
/// editable by Editable Training, the paper's recipe for a pretrained model.
/// </summary>
public sealed class ImportCommand : Command<ImportCommand.Settings>
{
    public sealed class Settings : CorrectionsSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A state_dict: .pt or .pth (torch.save), or .safetensors")]
        public string File { get; init; } = "";

        [CommandOption("--architecture <NAME>")]
        [Description("small-cnn or resnet18-cifar (default: told by the tensors' names)")]
        public string? Architecture { get; init; }

        [CommandOption("--normalization <STATS>")]
        [Description("The standardisation the model was trained behind: fashion-mnist, cifar10, or none (default: the architecture's data set)")]
        public string? Normalization { get; init; }

        [CommandOption("-o|--out <PATH>")]
        [Description("The model file to write (default: FILE with .ctm)")]
        public string? Out { get; init; }

        [CommandOption("--json")]
        [Description("Print the result as JSON")]
        public bool Json { get; init; }
    }

    public sealed record Result(
        string File, string Architecture, int Classes, int Tensors, IReadOnlyList<string> Ignored, IReadOnlyList<string> Converted, string Normalization, string Out);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (!System.IO.File.Exists(settings.File))
        {
            throw new FileNotFoundException($"No file {settings.File}.", settings.File);
        }
        var tensors = PyTorchCheckpoint.Names(settings.File) ? PyTorchCheckpoint.Read(settings.File)
            : SafeTensors.Names(settings.File) ? SafeTensors.Read(settings.File).Tensors.ToDictionary(t => t.Name, t => t.Tensor)
            : throw new OperatorError($"{settings.File}: import reads .pt/.pth (torch.save) or .safetensors files.");
        try
        {
            var name = settings.Architecture ?? Guess(tensors, settings.File);
            Architecture architecture;
            try
            {
                architecture = Architectures.ByName(name, StateDictImport.ClassCount(name, tensors));
            }
            catch (ArgumentException)
            {
                throw new OperatorError($"--architecture is one of {string.Join(", ", Architectures.Names)} (or resnet18-cifar-wN, N channels wide), not '{name}'.");
            }
            var (normalizationName, normalization) = NormalizationOf(settings.Normalization, architecture);
            var imported = StateDictImport.ToNetwork(architecture, tensors);
            var subset = EditableSubset.Parse(architecture, Architectures.DefaultEditableSubset(name));
            using var model = EditableModel.Create(imported.Network, normalization, subset, new EditorOptions());
            var output = settings.Out ?? Path.ChangeExtension(settings.File, ".ctm");
            model.Save(output, new Dictionary<string, string> { ["imported_from"] = Path.GetFileName(settings.File) });
            var result = new Result(settings.File, name, architecture.ClassCount, tensors.Count - imported.Ignored.Count, imported.Ignored, imported.Converted,
                normalizationName, Path.GetFullPath(output));
            if (settings.Json)
            {
                Output.WriteJson(result);
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Imported {result.Tensors} tensors of a [bold]{result.Architecture}[/] ({result.Classes} classes) from {result.File} into {result.Out}.");
                AnsiConsole.MarkupLineInterpolated($"Inputs are standardised with {result.Normalization}; {result.Ignored.Count} BatchNorm counter(s) ignored; {result.Converted.Count} tensor(s) converted to float32.");
                AnsiConsole.MarkupLineInterpolated($"It is a plain model: `corrections train --init {result.Out}` makes it editable (Editable Training), then `corrections register` adds it.");
            }
            return 0;
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static string Guess(IReadOnlyDictionary<string, Tensor> tensors, string file) =>
        tensors.Keys.Any(k => k.Contains("layer3.", StringComparison.Ordinal)) ? Architectures.ResNet18Name
        : tensors.Keys.Any(k => k.EndsWith("fc1.weight", StringComparison.Ordinal)) ? Architectures.SmallCnnName
        : throw new OperatorError($"{file}: its tensors' names are neither a ResNet-18's nor the small CNN's; pass --architecture.");

    private static (string Name, Normalization Normalization) NormalizationOf(string? requested, Architecture architecture)
    {
        var name = requested ?? (Architectures.IsResNet18(architecture.Name) ? "cifar10" : "fashion-mnist");
        var channels = (int)architecture.InputShape[0];
        return name switch
        {
            "fashion-mnist" when channels == 1 => (name, Normalization.FashionMnist),
            "cifar10" when channels == 3 => (name, Normalization.Cifar10),
            "none" => (name, new Normalization(new float[channels], [.. Enumerable.Repeat(1f, channels)])),
            "fashion-mnist" or "cifar10" => throw new OperatorError($"--normalization {name} is for {(name == "cifar10" ? 3 : 1)}-channel inputs; {architecture.Name} takes {channels}."),
            _ => throw new OperatorError($"--normalization is fashion-mnist, cifar10 or none, not '{name}'."),
        };
    }
}
