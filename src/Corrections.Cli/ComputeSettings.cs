using System.ComponentModel;
using Corrections.Editing;
using Spectre.Console.Cli;

namespace Corrections.Cli;

/// <summary>Options of the commands that train, edit or evaluate models in this process.</summary>
public class ComputeSettings : CorrectionsSettings
{
    [CommandOption("--device")]
    [Description("Where models compute: " + ComputeDevice.Choices + " (the first GPU libtorch sees, else the CPU)")]
    [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";

    /// <summary>The device, resolved against this machine; a GPU asked for and missing is a one-line error.</summary>
    public ComputeDevice Compute => ComputeDevice.Resolve(Device);
}
