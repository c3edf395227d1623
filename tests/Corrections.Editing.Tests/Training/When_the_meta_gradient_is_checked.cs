using Corrections.Editing.Editors;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Training;

/// <summary>
/// The Editable Training gradient flows through the editor's steps (second order). Central finite differences in
/// float64 on a tiny network check it: a missed create_graph, a detached θ̂ or a wrong update rule shows up here.
/// </summary>
public class When_the_meta_gradient_is_checked
{
    public static TheoryData<EditorKind> Editors => [EditorKind.GradientDescent, EditorKind.Momentum, EditorKind.RmsProp, EditorKind.Adam];

    [Theory]
    [MemberData(nameof(Editors))]
    public void Should_match_central_finite_differences(EditorKind kind)
    {
        // Too small a learning rate to succeed: the editor always runs MaxSteps, so the step count cannot change
        // under a perturbation and the objective is smooth.
        var editor = new EditorOptions { Kind = kind, LearningRate = kind is EditorKind.RmsProp or EditorKind.Adam ? 1e-4 : 1e-3, MaxSteps = 3, Loss = EditLossKind.CrossEntropy };
        using var model = TinyModels.Create(editor, subset: "all", dtype: ScalarType.Float64);
        using var data = TinyModels.Blobs(6, 3, seed: 11);
        var options = new EditableTrainingOptions { BatchSize = 6, EditCoefficient = 0.7, StabilityCoefficient = 1.3, ControlBatchSize = 4 };
        var objective = new EditableObjective(model, options, new FixedEditTargets(3));
        using var inputs = model.Preprocess(data.Images).to(float64);

        double Objective()
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(1);
            var terms = objective.Compute(inputs, data.Labels, null, generator);
            Assert.False(terms.EditSucceeded);
            Assert.Equal(3, terms.EditSteps);
            var total = terms.Task + 0.7 * terms.Editability! + 1.3 * terms.Stability!;
            return total.item<double>();
        }

        using (var scope = NewDisposeScope())
        {
            using var generator = new Generator(1);
            var terms = objective.Compute(inputs, data.Labels, null, generator);
            (terms.Task + 0.7 * terms.Editability! + 1.3 * terms.Stability!).backward();
        }

        var rng = new Random(5);
        const double h = 1e-6;
        foreach (var parameter in model.Network.Parameters)
        {
            var flat = parameter.detach().view(-1);
            var gradient = parameter.grad!.view(-1);
            for (var k = 0; k < 3; k++)
            {
                var i = rng.Next((int)flat.shape[0]);
                var original = flat[i].item<double>();
                flat[i] = original + h;
                var plus = Objective();
                flat[i] = original - h;
                var minus = Objective();
                flat[i] = original;
                var numeric = (plus - minus) / (2 * h);
                var analytic = gradient[i].item<double>();
                Assert.True(Math.Abs(numeric - analytic) <= 1e-6 + 1e-4 * Math.Abs(numeric),
                    $"{kind}: d/dθ[{i}] analytic {analytic:G8} vs numeric {numeric:G8}");
            }
        }
    }
}
