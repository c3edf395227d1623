namespace Corrections.Editing.Training;

/// <summary>Running figures of the current epoch, reported after every step.</summary>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    double TaskLoss,
    double Editability,
    double Stability,
    double EditSuccessRate,
    double MeanEditSteps,
    double ImagesPerSecond,
    TimeSpan Elapsed);
