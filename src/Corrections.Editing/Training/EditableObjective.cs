using Corrections.Editing.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Training;

/// <summary>
/// One minibatch's Editable Training objective (Sinitsin et al., eq. 4): the task loss; the editability loss, i.e. the
/// edit loss after the editor has run on a sampled (input, target); and the stability loss, KL(before ‖ after) on
/// control inputs. The editor runs in-graph, so backward differentiates through its steps. Both sides of the KL are
/// differentiable (as in the official code, whose stability term also keeps the gradient of the "before" side), so the
/// objective is one smooth function of θ, which the finite-difference test checks.
/// Cost: activations below the first editable stage are shared by all three terms when the network has no BatchNorm
/// (batch and running statistics then coincide), so only the editable stages are run again.
/// </summary>
public sealed class EditableObjective(EditableModel model, EditableTrainingOptions options, EditTargets targets)
{
    public ObjectiveTerms Compute(Tensor inputs, Tensor labels, Tensor? separateControl, Generator generator)
    {
        var network = model.Network;
        var cut = model.Subset.FirstStage;
        var features = network.Forward(inputs, StatisticsMode.Batch, toStage: cut);
        var logits = network.Forward(features, StatisticsMode.Batch, fromStage: cut);
        var task = cross_entropy(logits, labels);
        if (!options.Editable)
        {
            return new ObjectiveTerms(task, null, null, true, 0);
        }

        // Editor and control forwards use running statistics; without BatchNorm they equal the batch-mode ones.
        var shareFeatures = !network.Architecture.HasBatchNorm;
        var editCount = options.EditBatchSize;
        var editFeatures = shareFeatures
            ? features.narrow(0, 0, editCount)
            : network.Forward(inputs.narrow(0, 0, editCount), StatisticsMode.Running, toStage: cut);
        Tensor editTargets;
        using (no_grad())
        {
            editTargets = targets.Draw(logits.narrow(0, 0, editCount).detach(), labels.narrow(0, 0, editCount), generator);
        }
        var edit = model.Editor.EditInGraph(network, model.Subset, editFeatures, editTargets);

        var (controlFeatures, before) = Control(network, cut, inputs, features, logits, separateControl, shareFeatures);
        var after = network.Forward(controlFeatures, StatisticsMode.Running, edit.Parameters, fromStage: cut);
        using var controlCount = after.shape[0].ToScalar();
        var stability = kl_div(log_softmax(after, 1), log_softmax(before, 1), reduction: TorchSharp.torch.nn.Reduction.Sum, log_target: true).div(controlCount);
        return new ObjectiveTerms(task, edit.FinalLoss, stability, edit.Success, edit.Steps);
    }

    private (Tensor Features, Tensor Before) Control(Network network, int cut, Tensor inputs, Tensor features, Tensor logits, Tensor? separate, bool shareFeatures)
    {
        // Control inputs are the minibatch's last rows, never the edited (first) ones: the stability term must not
        // pull an edited input back towards its old label.
        var size = options.ControlBatchSize == 0 ? inputs.shape[0] - options.EditBatchSize : options.ControlBatchSize;
        if (separate is null && shareFeatures)
        {
            var start = inputs.shape[0] - size;
            return (features.narrow(0, start, size), logits.narrow(0, start, size));
        }
        var source = separate ?? inputs.narrow(0, inputs.shape[0] - size, size);
        var controlFeatures = network.Forward(source, StatisticsMode.Running, toStage: cut);
        return (controlFeatures, network.Forward(controlFeatures, StatisticsMode.Running, fromStage: cut));
    }
}
