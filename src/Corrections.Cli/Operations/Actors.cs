namespace Corrections.Cli.Operations;

/// <summary>Who an operator action is recorded under: the explicit --actor, else the login name.</summary>
public static class Actors
{
    public static string Resolve(string? actor) =>
        !string.IsNullOrWhiteSpace(actor) ? actor : $"{Environment.UserName}@{Environment.MachineName}";
}
