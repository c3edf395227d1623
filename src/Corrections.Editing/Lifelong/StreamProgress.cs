namespace Corrections.Editing.Lifelong;

/// <summary>Where a stream is: reports corrected out of the stream's length, and time so far.</summary>
public readonly record struct StreamProgress(string Method, int Reports, int Of, TimeSpan Elapsed);
