using System.Diagnostics;
using Corrections.Editing.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Editors;

/// <summary>
/// Patches a network so that given inputs get given labels, by a few optimiser steps on the editable parameters,
/// stopping as soon as every input has its target as top-1 (or at <see cref="EditorOptions.MaxSteps"/>).
/// Two paths share one loop: <see cref="Edit"/> (graph-free, for serving) and <see cref="EditInGraph"/> (keeps the
/// graph so Editable Training can differentiate through the steps). The learning rate and decay rates are tensors
/// (<see cref="Hyperparameters"/>) that Editable Training learns.
/// </summary>
public sealed class Editor : IDisposable
{
    private readonly Tensor _logLearningRate;
    private readonly Tensor _beta1Logit;
    private readonly Tensor _beta2Logit;

    /// <param name="options">Update rule and starting hyperparameters.</param>
    /// <param name="editableTensors">
    /// How many parameter tensors the editor changes: each gets a learning rate of its own, so Editable Training can,
    /// say, shrink the step on biases (which move every prediction alike) and keep it on weights (whose rank-one
    /// updates mostly move inputs like the edited one).
    /// </param>
    /// <param name="device">Where the hyperparameter tensors live: the network's device (the CPU when null).</param>
    public Editor(EditorOptions options, int editableTensors, Device? device = null)
    {
        options.Validate();
        if (editableTensors < 1)
        {
            throw new ArgumentException("An editor needs at least one editable tensor.", nameof(editableTensors));
        }
        Options = options;
        using var logLearningRate = Math.Log(options.LearningRate).ToScalar();
        // Created on the device, not moved there: a moved tensor is no leaf, and the outer optimiser steps on leaves.
        _logLearningRate = full(editableTensors, logLearningRate, float32, device).requires_grad_(options.LearnLearningRate);
        _beta1Logit = tensor(Logit(options.Beta1), float32, device).requires_grad_(options.LearnBetas);
        _beta2Logit = tensor(Logit(options.Beta2), float32, device).requires_grad_(options.LearnBetas);
    }

    public Device Device => _logLearningRate.device;

    /// <summary>An editor with this one's options and learned values, on <paramref name="device"/>.</summary>
    public Editor Copy(Device device)
    {
        var copy = new Editor(Options, EditableTensors, device);
        using (no_grad())
        {
            foreach (var (name, value) in copy.State)
            {
                value.copy_(State[name]);
            }
        }
        return copy;
    }

    public EditorOptions Options { get; private set; }

    /// <summary>
    /// Changes the step limit, keeping everything learned. Editable Training can train with a tight limit (edits must
    /// succeed within a few steps, and fewer in-graph steps are cheaper) while serving allows more.
    /// </summary>
    public void LimitSteps(int maxSteps)
    {
        var options = Options with { MaxSteps = maxSteps };
        options.Validate();
        Options = options;
    }

    /// <summary>
    /// Sets every tensor's learning rate to <paramref name="learningRate"/>. A plain-trained model learned none, so a
    /// fair comparison tunes it by a sweep instead of editing at the starting value.
    /// </summary>
    public void SetLearningRate(double learningRate)
    {
        (Options with { LearningRate = learningRate }).Validate();
        using var _ = no_grad();
        using var logLearningRate = Math.Log(learningRate).ToScalar();
        _logLearningRate.fill_(logLearningRate);
    }

    /// <summary>The learnable hyperparameter tensors (those with requires_grad), for the outer optimiser.</summary>
    public IReadOnlyList<Tensor> Hyperparameters =>
        new[] { _logLearningRate, _beta1Logit, _beta2Logit }.Where(t => t.requires_grad).ToList();

    /// <summary>All hyperparameter tensors by name, for checkpoints and model files.</summary>
    public IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor>
    {
        ["log_learning_rate"] = _logLearningRate,
        ["beta1_logit"] = _beta1Logit,
        ["beta2_logit"] = _beta2Logit,
    };

    /// <summary>
    /// The current (possibly learned) values as plain numbers: what a model card should show. With one learning rate
    /// per tensor, <see cref="EditorOptions.LearningRate"/> here is their geometric mean; see <see cref="LearningRates"/>.
    /// </summary>
    public EditorOptions Current => Options with
    {
        LearningRate = Math.Exp(_logLearningRate.mean().item<float>()),
        Beta1 = Sigmoid(_beta1Logit.item<float>()),
        Beta2 = Sigmoid(_beta2Logit.item<float>()),
    };

    /// <summary>The learned learning rate of each editable tensor, in the subset's order.</summary>
    public IReadOnlyList<double> LearningRates
    {
        get
        {
            // A scope holds the temporaries until their reads return (see NativeRuntime).
            using var scope = NewDisposeScope();
            return _logLearningRate.detach().exp().cpu().data<float>().ToArray().Select(v => (double)v).ToList();
        }
    }

    public int EditableTensors => (int)_logLearningRate.shape[0];

    /// <summary>
    /// Edits <paramref name="network"/>'s <paramref name="subset"/> so that <paramref name="inputs"/> [B, C, H, W] are
    /// classified as <paramref name="targets"/> [B]. The network is not changed; the result holds θ̂. Pass
    /// <paramref name="features"/> (the activations entering <see cref="EditableSubset.FirstStage"/>) to skip the
    /// frozen stages.
    /// </summary>
    public EditResult Edit(Network network, EditableSubset subset, Tensor inputs, Tensor targets, Tensor? features = null)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        CheckSubset(subset);
        var below = features ?? Below(network, subset, inputs);
        var parameters = network.Parameters.Select(p => p.detach()).ToArray();
        foreach (var i in subset.ParameterIndices)
        {
            parameters[i].requires_grad_(true);
        }
        var rule = UpdateRule.Create(Options, _logLearningRate.detach().exp(), Sigmoid(_beta1Logit.detach()), Sigmoid(_beta2Logit.detach()));
        var (success, steps, loss) = Loop(network, subset, below, targets, parameters, rule, inGraph: false);
        // With zero steps θ̂ still shares storage with the network; copy so later changes to either stay apart.
        var edited = subset.ParameterIndices
            .Select(i => (steps == 0 ? parameters[i].detach().clone() : parameters[i].detach()).MoveToOuterDisposeScope())
            .ToArray();
        var finalLoss = loss.item<float>();
        return new EditResult(edited, success, steps, finalLoss, clock.Elapsed);
    }

    /// <summary>
    /// The same loop with create_graph: the returned parameters (the whole list, θ̂ at the subset's indices) and the
    /// final edit loss stay differentiable with respect to the network's parameters and the editor's hyperparameters.
    /// <paramref name="features"/> must have been computed from the network's parameters in running-statistics mode.
    /// </summary>
    public InGraphEdit EditInGraph(Network network, EditableSubset subset, Tensor features, Tensor targets)
    {
        CheckSubset(subset);
        var parameters = network.Parameters.ToArray();
        var rule = UpdateRule.Create(Options, _logLearningRate.exp(), Sigmoid(_beta1Logit), Sigmoid(_beta2Logit));
        var (success, steps, loss) = Loop(network, subset, features, targets, parameters, rule, inGraph: true);
        return new InGraphEdit(parameters, loss, success, steps);
    }

    /// <summary>Activations entering the first editable stage, in evaluation mode, without a graph.</summary>
    public static Tensor Below(Network network, EditableSubset subset, Tensor inputs)
    {
        using var _ = no_grad();
        return network.Forward(inputs, StatisticsMode.Running, toStage: subset.FirstStage);
    }

    private (bool Success, int Steps, Tensor Loss) Loop(Network network, EditableSubset subset, Tensor features, Tensor targets, Tensor[] parameters, UpdateRule rule, bool inGraph)
    {
        for (var step = 0; ; step++)
        {
            var logits = network.Forward(features, StatisticsMode.Running, parameters, fromStage: subset.FirstStage);
            var loss = EditLoss.Compute(Options.Loss, logits, targets);
            var success = EditLoss.Succeeded(logits, targets);
            if (success || step == Options.MaxSteps)
            {
                return (success, step, loss);
            }
            var editable = subset.ParameterIndices.Select(i => parameters[i]).ToArray();
            RequireGradients(network, subset, loss, editable);
            var gradients = autograd.grad([loss], editable, retain_graph: inGraph, create_graph: inGraph).ToArray();
            Tensor[] updated;
            if (inGraph)
            {
                updated = rule.Step(editable, gradients, step);
            }
            else
            {
                using (no_grad())
                {
                    updated = rule.Step(editable, gradients, step);
                }
                foreach (var u in updated)
                {
                    u.requires_grad_(true);
                }
            }
            for (var k = 0; k < updated.Length; k++)
            {
                parameters[subset.ParameterIndices[k]] = updated[k];
            }
        }
    }

    /// <summary>
    /// Checked before the native call: autograd.grad on a tensor outside the graph aborts the process instead of throwing.
    /// </summary>
    private static void RequireGradients(Network network, EditableSubset subset, Tensor loss, Tensor[] editable)
    {
        for (var k = 0; k < editable.Length; k++)
        {
            if (!editable[k].requires_grad)
            {
                throw new InvalidOperationException(
                    $"Editable parameter {network.Architecture.Parameters[subset.ParameterIndices[k]].Name} does not require grad, so the editor cannot step on it.");
            }
        }
        if (!loss.requires_grad)
        {
            throw new InvalidOperationException($"The edit loss does not depend on subset '{subset.Spec}': nothing the editor may change reaches the logits.");
        }
    }

    private void CheckSubset(EditableSubset subset)
    {
        if (subset.ParameterIndices.Count != EditableTensors)
        {
            throw new ArgumentException($"This editor has learning rates for {EditableTensors} tensors; subset '{subset.Spec}' has {subset.ParameterIndices.Count}.");
        }
    }

    public void Dispose()
    {
        _logLearningRate.Dispose();
        _beta1Logit.Dispose();
        _beta2Logit.Dispose();
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static Tensor Sigmoid(Tensor x) => x.sigmoid();
}
