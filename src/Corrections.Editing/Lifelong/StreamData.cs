using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// The splits a correction stream runs on: mistakes are drawn from <see cref="ShiftedTrain"/>; <see cref="ShiftedTest"/>
/// (same shift, never reported) measures what the model learned about the shift; <see cref="CleanTest"/> what it kept
/// of the original distribution. <see cref="Traffic"/>, when given, is production's unexamined traffic: shifted images
/// disjoint from the others, without labels, served one for every image monitoring examines (as if monitoring looked at
/// half of what production answers) to a method that <see cref="IObservesTraffic"/>. The caller owns the data.
/// </summary>
public sealed record StreamData(string Shift, LabeledImages ShiftedTrain, LabeledImages ShiftedTest, LabeledImages CleanTest, Tensor? Traffic = null);
