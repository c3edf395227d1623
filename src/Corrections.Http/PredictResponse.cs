using Corrections.Editing.Evaluation;

namespace Corrections.Http;

/// <summary>What version <see cref="Version"/> of <see cref="Model"/> predicts, per input in the order sent.</summary>
public sealed record PredictResponse(string Model, int Version, IReadOnlyList<IReadOnlyList<LabelProbability>> Predictions);
