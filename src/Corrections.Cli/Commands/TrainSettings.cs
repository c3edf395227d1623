using System.ComponentModel;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Training;
using Spectre.Console.Cli;

namespace Corrections.Cli.Commands;

/// <summary>Everything that defines a training run; shared by <c>train</c> and the benchmark.</summary>
public class TrainSettings : ComputeSettings
{
    [CommandOption("--data")]
    [Description("fashion-mnist (the Debian package's files), fashion-mnist:DIR or cifar10:DIR")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--plain")]
    [Description("Train on the task loss alone (the baseline), not Editable Training")]
    public bool Plain { get; init; }

    [CommandOption("--epochs")]
    [DefaultValue(1)]
    public int Epochs { get; init; } = 1;

    [CommandOption("--batch-size")]
    [DefaultValue(128)]
    public int BatchSize { get; init; } = 128;

    [CommandOption("--lr")]
    [DefaultValue(1e-3)]
    public double LearningRate { get; init; } = 1e-3;

    [CommandOption("--subset")]
    [Description("Editable parameters: all, or stage names (fc1,head; layer3). Default depends on the architecture")]
    public string? Subset { get; init; }

    [CommandOption("--editor")]
    [DefaultValue(EditorKind.GradientDescent)]
    [Description("GradientDescent, Momentum, RmsProp or Adam")]
    public EditorKind Editor { get; init; } = EditorKind.GradientDescent;

    [CommandOption("--editor-lr")]
    [DefaultValue(0.1)]
    public double EditorLearningRate { get; init; } = 0.1;

    [CommandOption("--max-steps")]
    [DefaultValue(10)]
    public int MaxSteps { get; init; } = 10;

    [CommandOption("--train-max-steps")]
    [Description("Editor step limit during training: edits must succeed within it, and fewer in-graph steps are cheaper")]
    [DefaultValue(3)]
    public int? TrainMaxSteps { get; init; } = 3;

    [CommandOption("--edit-loss")]
    [DefaultValue(EditLossKind.Margin)]
    public EditLossKind EditLoss { get; init; } = EditLossKind.Margin;

    [CommandOption("--c-edit")]
    [DefaultValue(1.0)]
    public double EditCoefficient { get; init; } = 1;

    [CommandOption("--c-loc")]
    [DefaultValue(1.0)]
    public double StabilityCoefficient { get; init; } = 1;

    [CommandOption("--edit-batch")]
    [DefaultValue(1)]
    public int EditBatchSize { get; init; } = 1;

    [CommandOption("--control")]
    [DefaultValue(ControlSource.Minibatch)]
    public ControlSource Control { get; init; } = ControlSource.Minibatch;

    [CommandOption("--control-batch")]
    [Description("Control inputs per step (0 = the whole minibatch)")]
    [DefaultValue(0)]
    public int ControlBatchSize { get; init; }

    [CommandOption("--init")]
    [Description("Start from this model file's weights (e.g. a plain-trained model) instead of a fresh initialisation")]
    public string? Init { get; init; }

    [CommandOption("--targets")]
    [Description("Edit targets in training: uniform (the paper's), or natural (ranks of a reference model's mistakes; needs --reference)")]
    [DefaultValue("uniform")]
    public string Targets { get; init; } = "uniform";

    [CommandOption("--reference")]
    [Description("Model file whose mistakes shape natural targets (default: --init)")]
    public string? Reference { get; init; }

    [CommandOption("--crop-padding")]
    [Description("Pad-and-crop augmentation in pixels (0 = off)")]
    [DefaultValue(2)]
    public int CropPadding { get; init; } = 2;

    [CommandOption("--no-flip")]
    [Description("No horizontal-flip augmentation")]
    public bool NoFlip { get; init; }

    [CommandOption("--train-limit")]
    [Description("Use only the first N training images")]
    public int? TrainLimit { get; init; }

    [CommandOption("--max-steps-per-epoch")]
    public int? MaxStepsPerEpoch { get; init; }

    [CommandOption("--seed")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--json")]
    [Description("Print the result as JSON on stdout (progress goes to stderr)")]
    public bool Json { get; init; }

    public string ArchitectureName => DataSources.ArchitectureFor(Data);

    public string SubsetOrDefault => Subset ?? Architectures.DefaultEditableSubset(ArchitectureName);

    public EditorOptions EditorOptions => new()
    {
        Kind = Editor,
        LearningRate = EditorLearningRate,
        MaxSteps = MaxSteps,
        Loss = EditLoss,
    };

    public EditableTrainingOptions TrainingOptions => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Editable = !Plain,
        EditCoefficient = EditCoefficient,
        StabilityCoefficient = StabilityCoefficient,
        EditBatchSize = EditBatchSize,
        TrainingMaxSteps = TrainMaxSteps,
        Control = Control,
        ControlBatchSize = ControlBatchSize,
        Seed = Seed,
        CropPadding = CropPadding,
        HorizontalFlip = !NoFlip,
        MaxStepsPerEpoch = MaxStepsPerEpoch,
    };
}
