using Npgsql;

namespace EdgeCluster.Client.Database;

/// <summary>The project's PostgreSQL script for Orleans ADO.NET clustering and grain storage, embedded in the CLI.</summary>
public static class PostgresSchema
{
    public const string ResourceName = "EdgeCluster.Client.Database.edgecluster-postgresql.sql";

    public static string Script()
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Applies the script in one transaction; running it again changes nothing but the stored query texts.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new EdgeClusterCliException($"Cannot connect to PostgreSQL: {exception.Message}");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Two concurrent runs would race on CREATE OR REPLACE FUNCTION; the lock makes them take turns.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('edgecluster-schema'))", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(Script(), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
