using EdgeCluster.Client.Database;
using EdgeCluster.Grains.Interfaces.Deployments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeCluster.Grains.Tests.Failover;

/// <summary>Orleans ADO.NET membership and grain storage on a real PostgreSQL server with the project's own script.</summary>
public sealed class PostgresMembershipTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private const int Active = 3;
    private const int Dead = 6;

    private readonly string _storeRoot = Directory.CreateTempSubdirectory("edgecluster-pg-tests-").FullName;
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Schema_applies_again_and_holds_every_query_the_providers_load()
    {
        await PostgresSchema.ApplyAsync(postgres.ConnectionString);

        var keys = await postgres.QueryAsync("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", r => r.GetString(0));

        Assert.Equal(
            [
                "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey",
                "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
                "MembershipReadRowKey", "ReadFromStorageKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "WriteToStorageKey",
            ],
            keys);
    }

    [Fact]
    public async Task Silo_row_goes_from_active_to_dead_and_is_then_cleaned_up()
    {
        using var host = PostgresSilo.Build(postgres.ConnectionString, _clusterId, "svc-" + _clusterId, "device-1", _storeRoot);
        await host.StartAsync();
        Assert.Equal([("device-1", Active)], await RowsAsync());
        Assert.Equal([1], await VersionRowsAsync());

        var table = host.Services.GetRequiredService<IMembershipTable>();
        var read = await table.ReadAllAsync();
        Assert.Equal("device-1", Assert.Single(read.Members).Item1.SiloName);

        await host.StopAsync();
        Assert.Equal([("device-1", Dead)], await RowsAsync());

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Empty(await RowsAsync());

        await table.DeleteMembershipTableEntriesAsync(_clusterId);
        Assert.Empty(await VersionRowsAsync());
    }

    [Fact]
    public async Task Fleet_state_outlives_the_silo_that_held_it()
    {
        var serviceId = "svc-" + _clusterId;
        using (var first = PostgresSilo.Build(postgres.ConnectionString, _clusterId, serviceId, "device-1", _storeRoot))
        {
            await first.StartAsync();
            await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).AddAsync("kept");
            await first.StopAsync();
        }

        using var second = PostgresSilo.Build(postgres.ConnectionString, _clusterId, serviceId, "device-2", _storeRoot);
        await second.StartAsync();
        var names = await second.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).ListAsync();
        await second.StopAsync();

        Assert.Equal(["kept"], names);
        Assert.Equal([1], await postgres.QueryAsync("SELECT Version FROM OrleansStorage WHERE ServiceId = @s", r => r.GetInt32(0), ("s", serviceId)));
    }

    public void Dispose() => Directory.Delete(_storeRoot, recursive: true);

    private Task<List<(string, int)>> RowsAsync() =>
        postgres.QueryAsync(
            "SELECT SiloName, Status FROM OrleansMembershipTable WHERE DeploymentId = @c ORDER BY SiloName",
            r => (r.GetString(0), r.GetInt32(1)),
            ("c", _clusterId));

    private Task<List<int>> VersionRowsAsync() =>
        postgres.QueryAsync("SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @c", r => r.GetInt32(0), ("c", _clusterId));
}
