namespace Corrections.Http;

/// <summary>Body of a refusal: why the candidate awaiting approval must not take production.</summary>
public sealed record RefuseRequest(string Reason);
