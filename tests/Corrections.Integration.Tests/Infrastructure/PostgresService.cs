using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server: the one named by CORRECTIONS_POSTGRES__CONNECTIONSTRING (started by scripts/services),
/// else a Testcontainers one. Each test gets a database of its own, so tests never see each other's rows.
/// </summary>
public sealed class PostgresService : IAsyncLifetime
{
    private PostgreSqlContainer? _container;
    private string _serverConnectionString = "";

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CORRECTIONS_POSTGRES__CONNECTIONSTRING");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            _serverConnectionString = fromEnvironment;
            return;
        }

        try
        {
            _container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await _container.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            throw new ServiceUnavailable("PostgreSQL", e);
        }
        _serverConnectionString = _container.GetConnectionString();
    }

    /// <summary>Creates an empty database and returns its connection string; the database is dropped on dispose.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = $"corrections_test_{Guid.NewGuid():N}";
        await using (var server = new NpgsqlConnection(_serverConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name }.ConnectionString;
        return new TestDatabase(name, connectionString, _serverConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
