using System.ComponentModel.DataAnnotations;
using Corrections.Editing;

namespace Corrections.Pipeline;

/// <summary>Where this host computes (section <c>Compute</c>).</summary>
public sealed class ComputeOptions
{
    public const string Section = "Compute";

    /// <summary>
    /// <c>cpu</c> (the default), <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (the first GPU when libtorch sees one): the
    /// device of every model this host loads, so of its edits, validations, retrainings and consolidations. A GPU asked
    /// for and missing stops the start (<see cref="ComputeDevice.Resolve(string?)"/>).
    /// </summary>
    [Required]
    public string Device { get; set; } = "cpu";
}
