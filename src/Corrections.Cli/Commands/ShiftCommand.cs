using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Editing.Data;
using Corrections.Editing.Shifts;
using Corrections.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

/// <summary>
/// Writes a shifted copy of Fashion-MNIST: the IDX layout (so any <c>fashion-mnist:DIR</c> option reads it), and on
/// request the shifted test split as an image folder (so the gate can validate on it) and clean + shifted training data
/// for an oracle.
/// </summary>
public sealed class ShiftCommand : Command<ShiftCommand.Settings>
{
    public sealed class Settings : CorrectionsSettings
    {
        [CommandOption("-f|--family")]
        [Description("fog, noise, rotation, occlusion or blur")]
        public string Family { get; init; } = "";

        [CommandOption("-o|--out")]
        [Description("Directory for the shifted IDX files")]
        public string Out { get; init; } = "";

        [CommandOption("--data")]
        [Description("The clean data: fashion-mnist or fashion-mnist:DIR")]
        [DefaultValue("fashion-mnist")]
        public string Data { get; init; } = "fashion-mnist";

        [CommandOption("--seed")]
        [DefaultValue(1L)]
        public long Seed { get; init; } = 1;

        [CommandOption("--image-folder")]
        [Description("Also write the shifted test split as PNGs in one folder per class (an image-folder validation set)")]
        public string? ImageFolder { get; init; }

        [CommandOption("--folder-limit")]
        [Description("Images in the image folder (the first N of the test split)")]
        [DefaultValue(2000)]
        public int FolderLimit { get; init; } = 2000;

        [CommandOption("--oracle-data")]
        [Description("Also write clean + shifted training images (and the shifted test split) here, to train an oracle on")]
        public string? OracleData { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Family) || string.IsNullOrWhiteSpace(Out))
            {
                return ValidationResult.Error("--family and --out are required, e.g. corrections shift --family fog --out .corrections/shifts/fog");
            }
            if (!ImageShifts.Names.Contains(Family.ToLowerInvariant()))
            {
                return ValidationResult.Error($"Unknown shift '{Family}'. Known: {string.Join(", ", ImageShifts.Names)}.");
            }
            return FolderLimit < 1 ? ValidationResult.Error("--folder-limit must be at least 1.") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var family = ImageShifts.Parse(settings.Family);
        using var train = DataSources.Load(settings.Data, DatasetSplit.Train);
        using var test = DataSources.Load(settings.Data, DatasetSplit.Test);
        using var shiftedTrain = ImageShifts.Apply(family, train, settings.Seed);
        using var shiftedTest = ImageShifts.Apply(family, test, settings.Seed + 1);
        FashionMnist.Write(settings.Out, shiftedTrain, shiftedTest);
        var written = new List<(string What, string Path, int Images)>
        {
            ("shifted train + test (IDX)", settings.Out, shiftedTrain.Count + shiftedTest.Count),
        };
        if (settings.ImageFolder is string folder)
        {
            written.Add(("shifted test (image folder)", folder, ImageFolderWriter.Write(folder, shiftedTest, settings.FolderLimit)));
        }
        if (settings.OracleData is string oracle)
        {
            using var both = train.Concat(shiftedTrain, "clean + shifted train");
            FashionMnist.Write(oracle, both, shiftedTest);
            written.Add(("clean + shifted train, shifted test (IDX)", oracle, both.Count + shiftedTest.Count));
        }
        if (settings.Json)
        {
            Output.WriteJson(new { family = ImageShifts.NameOf(family), seed = settings.Seed, written = written.Select(w => new { what = w.What, path = w.Path, images = w.Images }) });
            return 0;
        }
        var table = new Table().AddColumns("written", "path", "images");
        written.ForEach(w => table.AddRow(w.What, Markup.Escape(w.Path), w.Images.ToString("N0")));
        AnsiConsole.MarkupLine($"[bold]{ImageShifts.NameOf(family)}[/] shift of {Markup.Escape(settings.Data)}, seed {settings.Seed}");
        AnsiConsole.Write(table);
        return 0;
    }
}
