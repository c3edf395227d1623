using System.ComponentModel;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>Options every registry command shares.</summary>
public class OperationSettings : CorrectionsSettings
{
    [CommandOption("--json")]
    [Description("Print JSON instead of a table")]
    public bool Json { get; init; }
}

/// <summary>Commands about one model.</summary>
public class ModelSettings : OperationSettings
{
    [CommandOption("-m|--model <NAME>")]
    [Description("Registered model name")]
    public string Model { get; init; } = "";

    public override Spectre.Console.ValidationResult Validate() => string.IsNullOrWhiteSpace(Model)
        ? Spectre.Console.ValidationResult.Error("--model is required")
        : base.Validate();
}

/// <summary>Commands that publish reports, as a producer.</summary>
public class ProducerSettings : ModelSettings
{
    [CommandOption("--producer <NAME>")]
    [Description("Publish as this producer (its broker user_id); default: CORRECTIONS_PRODUCER, else the broker login")]
    public string? Producer { get; init; }
}
