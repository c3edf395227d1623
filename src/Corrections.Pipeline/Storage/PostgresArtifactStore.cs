using Corrections.Editing.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Corrections.Pipeline.Storage;

/// <summary>
/// Version files in the registry's own database (tables <c>artifacts</c> and <c>artifact_chunks</c>), so that hosts
/// which share only the broker and the database share models too. Files go in and out a chunk at a time, never whole.
/// </summary>
public sealed class PostgresArtifactStore(string connectionString, int chunkBytes = PostgresArtifactStore.DefaultChunkBytes) : IArtifactStore
{
    /// <summary>1 MiB: small enough that a host holds little, large enough that a 45 MB ResNet-18 is 45 round trips.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    // Its own advisory-lock key space: two hosts putting the same content at once (a retried save) take turns.
    private const int LockNamespace = 0x0C0BD;

    public void Put(string sha256, string path)
    {
        Guarded(() =>
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            Execute(connection, "SELECT pg_advisory_xact_lock(@ns, hashtext(@sha))", ("ns", LockNamespace), ("sha", sha256));
            if (Chunks(connection, sha256) is not null)
            {
                return;
            }
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, chunkBytes);
            var buffer = new byte[chunkBytes];
            var (index, bytes) = (0, 0L);
            using var insert = new NpgsqlCommand("INSERT INTO corrections.artifact_chunks (sha256, index, data) VALUES (@sha, @index, @data)", connection);
            var shaParameter = insert.Parameters.AddWithValue("sha", sha256);
            var indexParameter = insert.Parameters.Add("index", NpgsqlDbType.Integer);
            var dataParameter = insert.Parameters.Add("data", NpgsqlDbType.Bytea);
            for (int read; (read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0; index++, bytes += read)
            {
                indexParameter.Value = index;
                dataParameter.Value = new ReadOnlyMemory<byte>(buffer, 0, read);
                insert.ExecuteNonQuery();
            }
            Execute(connection, "INSERT INTO corrections.artifacts (sha256, bytes, chunks, stored_at) VALUES (@sha, @bytes, @chunks, now())",
                ("sha", sha256), ("bytes", bytes), ("chunks", index));
            transaction.Commit();
        });
    }

    public bool TryGet(string sha256, Stream destination) => Guarded(() =>
    {
        using var connection = Open();
        // Repeatable read: the count and the chunks come from one snapshot.
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        if (Chunks(connection, sha256) is not { } expected)
        {
            return false;
        }
        using var select = new NpgsqlCommand("SELECT data FROM corrections.artifact_chunks WHERE sha256 = @sha ORDER BY index", connection);
        select.Parameters.AddWithValue("sha", sha256);
        using var reader = select.ExecuteReader(System.Data.CommandBehavior.SequentialAccess);
        var found = 0;
        while (reader.Read())
        {
            using var chunk = reader.GetStream(0);
            chunk.CopyTo(destination);
            found++;
        }
        return found == expected ? true : throw new IOException($"artifact {sha256}: {found} of its {expected} chunks in the database.");
    });

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static int? Chunks(NpgsqlConnection connection, string sha256)
    {
        using var command = new NpgsqlCommand("SELECT chunks FROM corrections.artifacts WHERE sha256 = @sha", connection);
        command.Parameters.AddWithValue("sha", sha256);
        return command.ExecuteScalar() is int chunks ? chunks : null;
    }

    private static void Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.ExecuteNonQuery();
    }

    private static void Guarded(Action action) => Guarded(() =>
    {
        action();
        return true;
    });

    // The store's contract: an unreachable database is an I/O failure, which the model store's retry policy handles.
    private static T Guarded<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"artifact store (PostgreSQL): {e.Message}", e);
        }
    }
}
