using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Ingest;

/// <summary>Who ingest let a report in for: the producer's name (null when anonymous) and how far its reports may go.</summary>
public sealed record Admission(string? Producer, ProducerTrust Trust);
