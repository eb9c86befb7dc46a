using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Security;
using EdgeCluster.Grains.Tests.Security;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

/// <summary>A TLS channel takes writes from any thread, however they overlap, and every frame arrives whole and in one piece.</summary>
public sealed class LinkChannelTests : IDisposable
{
    private const int Writers = 8;
    private const int FramesPerWriter = 200;
    private const int FrameBytes = 4096;

    private readonly FleetCertificateAuthority _authority = FleetCertificateAuthority.Create("fleet A", IssuedCertificates.Validity);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgecluster-link-channel-tests-");

    [Fact]
    public async Task Writes_from_many_threads_at_once_over_tls_each_arrive_whole()
    {
        using var server = FleetCredentials.Load(IssuedCertificates.Write(_folder.FullName, _authority, "device-2"));
        using var client = FleetCredentials.Load(IssuedCertificates.Write(_folder.FullName, _authority, "device-1"));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = Task.Run(async () => LinkChannel.Accept(await listener.AcceptSocketAsync(), server, TimeSpan.FromSeconds(10)));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var writer = LinkChannel.Connect(socket, client, "127.0.0.1", TimeSpan.FromSeconds(10));
        var reader = await accepting;

        var frames = new List<(int Writer, int Frame)>();
        var failures = new List<Exception>();
        var reading = new Thread(() => Record(failures, () => frames = ReadFrames(reader.Reader, Writers * FramesPerWriter)));
        reading.Start();

        // Threads of their own, released together: thread-pool tasks on a small machine would mostly run one after another.
        using var start = new Barrier(Writers);
        var writing = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            Record(failures, () =>
            {
                for (var f = 0; f < FramesPerWriter; f++)
                {
                    writer.Write([new ArraySegment<byte>(Header(w, f)), new ArraySegment<byte>(Body(w, f))]);
                }
            });
        })).ToArray();
        Array.ForEach(writing, t => t.Start());
        Array.ForEach(writing, t => t.Join());
        if (failures.Count > 0)
        {
            // A corrupted stream leaves the reader waiting for bytes that never come.
            reader.Socket.Dispose();
        }

        Assert.True(reading.Join(TimeSpan.FromSeconds(30)), "the reader did not get every frame");
        Assert.Empty(failures);

        Assert.True(writer.Encrypted);
        Assert.Equal(Writers * FramesPerWriter, frames.Count);
        Assert.All(Enumerable.Range(0, Writers), w => Assert.Equal(Enumerable.Range(0, FramesPerWriter), frames.Where(x => x.Writer == w).Select(x => x.Frame)));
        reader.Socket.Dispose();
    }

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Delete(recursive: true);
    }

    private static void Record(List<Exception> failures, Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            lock (failures)
            {
                failures.Add(exception);
            }
        }
    }

    private static byte[] Header(int writer, int frame)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, writer);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), frame);
        return header;
    }

    private static byte[] Body(int writer, int frame) => Enumerable.Range(0, FrameBytes).Select(i => (byte)((writer * 31) + frame + i)).ToArray();

    /// <summary>Reads frames, checking that each body is the one its header names (a frame interleaved with another would not be).</summary>
    private static List<(int Writer, int Frame)> ReadFrames(Stream stream, int count)
    {
        var frames = new List<(int, int)>(count);
        var header = new byte[8];
        var body = new byte[FrameBytes];
        for (var i = 0; i < count; i++)
        {
            stream.ReadExactly(header);
            stream.ReadExactly(body);
            var (writer, frame) = (BinaryPrimitives.ReadInt32LittleEndian(header), BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)));
            Assert.Equal(Body(writer, frame), body);
            frames.Add((writer, frame));
        }

        return frames;
    }
}
