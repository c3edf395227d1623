using System.ComponentModel;
using Spectre.Console.Cli;

namespace Corrections.Cli;

/// <summary>Options every command has.</summary>
public class CorrectionsSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("On an error in the data, files, options or services, show its stack trace too")]
    public bool Verbose { get; init; }
}
