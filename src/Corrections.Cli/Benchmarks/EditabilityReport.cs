using Corrections.Editing.Evaluation;

namespace Corrections.Cli.Benchmarks;

/// <summary>What `corrections benchmark` records: written as JSON, a markdown table and PNG plots.</summary>
public sealed record EditabilityReport
{
    public required string Date { get; init; }
    public required string Command { get; init; }
    public required string Machine { get; init; }
    public required Dictionary<string, object> Settings { get; init; }
    public required Dictionary<string, double> TrainImagesPerS { get; init; }
    public required Dictionary<string, double> TestErrorPct { get; init; }
    public required Dictionary<string, double> TrainSeconds { get; init; }
    public required double EditableCostRatio { get; init; }
    public required Dictionary<string, double> TestSetEvaluationMs { get; init; }
    public required Dictionary<string, double> EditMemory { get; init; }
    public required double PeakRssMb { get; init; }
    public required List<ProtocolResult> Rows { get; init; }
    /// <summary>The plain model's editor at each swept learning rate (paper protocol, its own edit inputs).</summary>
    public required List<SweepRow> PlainEditorSweep { get; init; }

    /// <summary>The swept learning rate the plain model is edited with in every protocol.</summary>
    public required double PlainEditorLearningRate { get; init; }

    /// <summary>Paper-protocol drawdown of the tuned plain editor over the editable model's: how many times more local.</summary>
    public required double PaperDrawdownRatio { get; init; }

    /// <summary>Test error of the editable model minus the plain one, trained for the same epochs.</summary>
    public required double EditableTestErrorCostPp { get; init; }

    public required List<AblationRow> Ablation { get; init; }
    public required double TotalSeconds { get; init; }
}

/// <summary>One cheaper (or dearer) formulation of Editable Training: what it costs per image and what it does to quality.</summary>
public sealed record AblationRow(string Variant, string Subset, int ControlBatch, int Epochs, double ImagesPerS, double CostRatio, double TestErrorPct, double DrawdownPp, double SuccessRate, double MeanSteps, int Edits);

/// <summary>The plain editor at one learning rate: drawdown, success and steps on the sweep's edits.</summary>
public sealed record SweepRow(double LearningRate, double DrawdownPp, double SuccessRate, double MeanSteps, int Edits);
