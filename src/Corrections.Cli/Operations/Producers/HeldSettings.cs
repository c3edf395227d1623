using System.ComponentModel;
using Corrections.Pipeline.Producers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>Which held reports an operator means (<c>approve</c>, <c>refuse</c>); `corrections history --status held` lists them.</summary>
public class HeldSettings : OperationSettings
{
    [CommandOption("--id <GUID>")]
    [Description("A held report's id (repeatable)")]
    public Guid[] Ids { get; init; } = [];

    [CommandOption("--producer <NAME>")]
    [Description("Every held report of this producer")]
    public string? Producer { get; init; }

    [CommandOption("-m|--model <NAME>")]
    [Description("Every held report for this model")]
    public string? Model { get; init; }

    public HeldFilter Filter => new(Ids, Producer, Model);

    public override ValidationResult Validate() => Filter.IsEmpty
        ? ValidationResult.Error("Name the held reports: --id, --producer or --model")
        : base.Validate();
}
