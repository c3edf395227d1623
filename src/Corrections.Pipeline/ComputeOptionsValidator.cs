using Corrections.Editing;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline;

/// <summary>
/// Resolves <see cref="ComputeOptions.Device"/> at start, against what libtorch sees here: a GPU asked for and missing
/// stops the host with the resolver's one line, before any model is loaded.
/// </summary>
public sealed class ComputeOptionsValidator : IValidateOptions<ComputeOptions>
{
    public ValidateOptionsResult Validate(string? name, ComputeOptions options)
    {
        try
        {
            ComputeDevice.Resolve(options.Device);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
