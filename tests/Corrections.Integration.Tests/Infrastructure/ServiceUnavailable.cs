namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>Thrown when neither the environment nor Docker provides a service: the tests fail, they never skip.</summary>
public sealed class ServiceUnavailable(string service, Exception inner) : Exception(
    $"""
    No {service} for the integration tests. Either start the private instances and export their settings:
        scripts/services start && eval "$(scripts/services env)"
    (or run the whole suite with scripts/test, which does both), or run where a Docker engine is available so that
    Testcontainers can start one. Underlying error: {inner.Message}
    """, inner);
