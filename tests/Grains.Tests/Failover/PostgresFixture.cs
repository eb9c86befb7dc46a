using EdgeCluster.Client.Database;
using Npgsql;

namespace EdgeCluster.Grains.Tests.Failover;

/// <summary>A private PostgreSQL server for the test class, with EdgeCluster's schema applied; stopped and deleted afterwards.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PrivatePostgres? _server;

    public string ConnectionString => (_server ?? throw new InvalidOperationException("PostgreSQL is not started.")).ConnectionString;

    public async Task InitializeAsync()
    {
        _server = await PrivatePostgres.StartAsync();
        await PostgresSchema.ApplyAsync(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
