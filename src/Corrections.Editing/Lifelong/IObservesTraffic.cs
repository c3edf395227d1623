using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// A method that learns from production's unexamined traffic: shifted inputs production served that monitoring never
/// looked at, so they come without a label and without a verdict. (Inputs monitoring examined and did not report are
/// not traffic here: where monitoring catches every mistake, "not reported" would mean "right", a label in disguise.)
/// </summary>
public interface IObservesTraffic
{
    /// <summary>Raw images [N, C, H, W] production has just served, in the order served; the method copies what it keeps.</summary>
    void Observe(Tensor images);
}
