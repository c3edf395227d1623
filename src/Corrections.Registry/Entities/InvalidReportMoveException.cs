namespace Corrections.Registry.Entities;

/// <summary>A status change <see cref="ReportLifecycle"/> does not allow: a bug in the caller, never bad input.</summary>
public sealed class InvalidReportMoveException(string message) : InvalidOperationException(message);
