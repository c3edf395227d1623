namespace Corrections.Pipeline.Producers;

/// <summary>An operator's producer command that cannot be done (a taken name, an unknown producer), in words.</summary>
public sealed class ProducerException(string message) : Exception(message);
