using static TorchSharp.torch;

namespace Corrections.Editing.Tests;

/// <summary>
/// Guards the build step that makes libLibTorchSharp.so loadable on Debian 12 (build/TorchSharpNative.targets):
/// if it regresses, TorchSharp's static constructor throws and every test here fails.
/// </summary>
public class When_libtorch_is_loaded
{
    [Fact]
    public void Should_run_a_tensor_op()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var product = a.matmul(a);

        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Should_compute_an_autograd_gradient()
    {
        using var x = tensor(new double[] { -1.5, 0.0, 2.0 }, requires_grad: true);
        using var y = (x * x * x).sum();

        var gradient = autograd.grad([y], [x])[0];

        // d/dx sum(x^3) = 3x^2
        Assert.Equal(new[] { 6.75, 0.0, 12.0 }, gradient.data<double>().ToArray());
    }

    [Fact]
    public void Should_run_second_order_gradients()
    {
        // Editable Training differentiates through editor steps, which needs create_graph (and retain_graph).
        using var x = tensor(new double[] { 0.5, -2.0 }, requires_grad: true);
        using var y = (x * x * x).sum();
        var first = autograd.grad([y], [x], retain_graph: true, create_graph: true)[0];
        var second = autograd.grad([first.sum()], [x])[0];

        // d/dx sum(3x^2) = 6x
        Assert.Equal(new[] { 3.0, -12.0 }, second.data<double>().ToArray());
    }
}
