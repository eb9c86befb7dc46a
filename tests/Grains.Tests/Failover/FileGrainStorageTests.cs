using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace EdgeCluster.Grains.Tests.Failover;

public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId Deployment = GrainId.Create("deployment", "resnet18/a b");

    private readonly string _directory = Directory.CreateTempSubdirectory("edgecluster-file-storage-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private FileGrainStorage Storage => new(_directory, _services.GetRequiredService<Serializer>());

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_written_state_is_read_back_by_another_storage_instance()
    {
        var spec = new DeploymentSpec("resnet18", 3, ["device-1", "device-2"]) { Origins = ["device-1"], Replicas = 2 };
        var written = new GrainState<DeploymentSpec>(spec);

        await Storage.WriteStateAsync("deployment", Deployment, written);
        var read = new GrainState<DeploymentSpec>();
        await Storage.ReadStateAsync("deployment", Deployment, read);

        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.NotNull(read.State);
        Assert.Equal(spec.Model, read.State.Model);
        Assert.Equal(spec.Devices, read.State.Devices);
        Assert.Equal(spec.Origins, read.State.Origins);
        Assert.Equal(2, read.State.Replicas);
    }

    [Fact]
    public async Task A_state_never_written_reads_as_absent()
    {
        var read = new GrainState<SortedSet<string>>(["untouched"]);

        await Storage.ReadStateAsync("deployments", GrainId.Create("catalog", "fleet"), read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(["untouched"], read.State);
    }

    [Fact]
    public async Task A_write_from_a_stale_version_fails_and_keeps_the_newer_state()
    {
        var first = new GrainState<SortedSet<string>>(["a"]);
        await Storage.WriteStateAsync("deployments", Deployment, first);
        var stale = new GrainState<SortedSet<string>>(["stale"]) { ETag = first.ETag };
        first.State = ["a", "b"];
        await Storage.WriteStateAsync("deployments", Deployment, first);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("deployments", Deployment, stale));

        Assert.Equal("2", error.StoredEtag);
        var read = new GrainState<SortedSet<string>>();
        await Storage.ReadStateAsync("deployments", Deployment, read);
        Assert.Equal(["a", "b"], read.State);
    }

    [Fact]
    public async Task Clearing_removes_the_state_and_a_new_write_starts_over()
    {
        var state = new GrainState<SortedSet<string>>(["a"]);
        await Storage.WriteStateAsync("deployments", Deployment, state);

        await Storage.ClearStateAsync("deployments", Deployment, state);
        var read = new GrainState<SortedSet<string>>();
        await Storage.ReadStateAsync("deployments", Deployment, read);

        Assert.False(read.RecordExists);
        Assert.Null(state.ETag);
        await Storage.WriteStateAsync("deployments", Deployment, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task Grains_and_state_names_get_files_of_their_own()
    {
        var other = GrainId.Create("deployment", "resnet18-a-b");
        await Storage.WriteStateAsync("deployment", Deployment, new GrainState<SortedSet<string>>(["first"]));
        await Storage.WriteStateAsync("deployment", other, new GrainState<SortedSet<string>>(["second"]));
        await Storage.WriteStateAsync("models", Deployment, new GrainState<SortedSet<string>>(["third"]));

        var read = new GrainState<SortedSet<string>>();
        await Storage.ReadStateAsync("deployment", Deployment, read);

        Assert.Equal(["first"], read.State);
        Assert.Equal(3, Directory.GetFiles(_directory, "*.bin", SearchOption.AllDirectories).Length);
    }
}
