using System.Reflection;
using Corrections.Cli.Operations;
using Corrections.Editing.Data;
using Microsoft.Extensions.Options;
using Npgsql;
using Spectre.Console.Cli;

namespace Corrections.Cli.Console;

/// <summary>
/// The failures a user can fix: bad data or model files, missing paths, wrong option values, missing configuration and
/// services that are down. Anything else is taken for a bug.
/// </summary>
public static class UserErrors
{
    public static bool Is(Exception exception) => exception switch
    {
        OperatorError or CommandAppException => true,
        DataFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => true,
        // Option checks, here and in the core (data set, subset, architecture, model name), throw a plain
        // ArgumentException worded for the user; guard clauses name their parameter, and null or out of range are bugs.
        ArgumentException { ParamName: null } argument when argument.GetType() == typeof(ArgumentException) => true,
        OptionsValidationException => true,
        // The server refusing the login or lacking the database is configuration; its other errors (SQL) are bugs.
        PostgresException postgres => postgres.SqlState.StartsWith("28", StringComparison.Ordinal)
            || postgres.SqlState == PostgresErrorCodes.InvalidCatalogName
            // The database refusing this login an action (least privilege: no DDL, append-only records, operator-only
            // approvals) is the answer, not a bug.
            || postgres.SqlState == PostgresErrorCodes.InsufficientPrivilege,
        // Npgsql's own errors, not the server's: refused, timed out, unknown host.
        NpgsqlException => true,
        MassTransit.ConnectionException => true,
        _ => false,
    };

    /// <summary>The exception that says what went wrong, out of the wrappers that tasks and reflection put around it.</summary>
    public static Exception Unwrap(Exception exception) => exception switch
    {
        AggregateException aggregate when aggregate.Flatten().InnerExceptions is [var only] => Unwrap(only),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: PostgresException postgres } => postgres,
        _ => exception,
    };

    /// <summary>The message, and the root cause when it does not say it: "Failed to connect to host:5432: Connection refused".</summary>
    public static string Message(Exception exception)
    {
        var root = exception.GetBaseException();
        return exception.Message.Contains(root.Message, StringComparison.Ordinal)
            ? exception.Message
            : $"{exception.Message.TrimEnd('.')}: {root.Message}";
    }
}
