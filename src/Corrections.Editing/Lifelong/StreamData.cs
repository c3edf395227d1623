using Corrections.Editing.Data;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// The splits a correction stream runs on: mistakes are drawn from <see cref="ShiftedTrain"/>; <see cref="ShiftedTest"/>
/// (same shift, never reported) measures what the model learned about the shift; <see cref="CleanTest"/> what it kept
/// of the original distribution. The caller owns the data sets.
/// </summary>
public sealed record StreamData(string Shift, LabeledImages ShiftedTrain, LabeledImages ShiftedTest, LabeledImages CleanTest);
