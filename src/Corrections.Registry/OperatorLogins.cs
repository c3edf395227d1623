using Npgsql;

namespace Corrections.Registry;

/// <summary>
/// Proves an operator's database login over another channel than psql (the HTTP API): the login and password must open
/// a connection, and the login must hold the <c>corrections_operator</c> role. The database stays the one judge of who
/// may decide; this only asks it.
/// </summary>
public static class OperatorLogins
{
    /// <summary>How a proof ended: the connection string to act with, or why not.</summary>
    public sealed record Proof(string? ConnectionString, OperatorRefusal? Refusal);

    /// <summary>Pause after a failed proof, so passwords cannot be guessed at the network's speed.</summary>
    public static TimeSpan FailureDelay { get; } = TimeSpan.FromSeconds(1);

    /// <param name="configured">The service's own connection string: host, port and database are taken from it.</param>
    /// <param name="login">The database login to prove.</param>
    /// <param name="password">Its password.</param>
    /// <param name="cancellation">Stops the connection attempt.</param>
    public static async Task<Proof> ProveAsync(string configured, string login, string password, CancellationToken cancellation)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured)
        {
            Username = login,
            Password = password,
            // Operators act now and then; a few connections each are plenty.
            MaxPoolSize = 4,
        };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellation);
            await using var command = new NpgsqlCommand("SELECT corrections.is_operator()", connection);
            var isOperator = (bool)(await command.ExecuteScalarAsync(cancellation))!;
            if (isOperator)
            {
                return new Proof(builder.ConnectionString, null);
            }
            return new Proof(null, OperatorRefusal.NotOperator);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            // Wrong password, no such login, or pg_hba refuses it: all the same to the caller.
            await Task.Delay(FailureDelay, cancellation);
            return new Proof(null, OperatorRefusal.WrongLogin);
        }
    }
}
