using System.ComponentModel;
using Corrections.Pipeline.Producers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations.Producers;

/// <summary>
/// Which held reports an operator means (<c>approve</c>, <c>refuse</c>; `corrections history --status held` lists them),
/// or which candidate awaiting approval (<c>-m M -v N</c>; <c>approve --list</c> lists them).
/// </summary>
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

    [CommandOption("-v|--version <N>")]
    [Description("A candidate awaiting approval (with --model): the version a reviewed producer's correction made")]
    public int? Version { get; init; }

    [CommandOption("--list")]
    [Description("List the candidates awaiting approval (of --model, or all)")]
    public bool List { get; init; }

    public HeldFilter Filter => new(Ids, Producer, Model);

    public override ValidationResult Validate() => (Version, List) switch
    {
        (not null, _) when Model is null => ValidationResult.Error("--version needs --model"),
        (not null, _) when Ids.Length > 0 || Producer is not null => ValidationResult.Error("--version names a candidate; --id and --producer name held reports"),
        (null, false) when Filter.IsEmpty => ValidationResult.Error("Name the held reports (--id, --producer or --model) or a candidate (-m M -v N)"),
        _ => base.Validate(),
    };
}
