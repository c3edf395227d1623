namespace Corrections.Cli.Operations;

/// <summary>A mistake the operator can fix (missing configuration, unknown model): printed as one message, no stack trace.</summary>
public sealed class OperatorError(string message) : Exception(message);
