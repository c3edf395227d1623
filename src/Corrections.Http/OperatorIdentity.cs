namespace Corrections.Http;

/// <summary>The operator a request's login proved (<c>GET /v1/operator</c>), for a page to say whom it acts as.</summary>
public sealed record OperatorIdentity(string Login);
