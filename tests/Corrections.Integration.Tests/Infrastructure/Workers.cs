namespace Corrections.Integration.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class Workers : ICollectionFixture<PipelineService>
{
    public const string Name = "correction pipeline on real RabbitMQ and PostgreSQL";
}
