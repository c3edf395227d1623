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
    public required List<AblationRow> Ablation { get; init; }
    public required double TotalSeconds { get; init; }
}

/// <summary>One cheaper (or dearer) formulation of Editable Training: what it costs per image and what it does to quality.</summary>
public sealed record AblationRow(string Variant, string Subset, int ControlBatch, int Epochs, double ImagesPerS, double CostRatio, double TestErrorPct, double DrawdownPp, double SuccessRate, double MeanSteps, int Edits);
