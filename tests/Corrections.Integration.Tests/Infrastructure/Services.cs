namespace Corrections.Integration.Tests.Infrastructure;

// Collections share one fixture instance per run; a class that needs a broker does not fail because the database is
// missing, and the other way round.

[CollectionDefinition(Name)]
public sealed class Broker : ICollectionFixture<RabbitMqService>
{
    public const string Name = "real RabbitMQ";
}

[CollectionDefinition(Name)]
public sealed class Database : ICollectionFixture<PostgresService>
{
    public const string Name = "real PostgreSQL";
}
