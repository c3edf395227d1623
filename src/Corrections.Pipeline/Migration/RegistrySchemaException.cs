namespace Corrections.Pipeline.Migration;

/// <summary>The registry's schema is missing or older than this build; the message names the command that fixes it.</summary>
public sealed class RegistrySchemaException(string message) : Exception(message);
