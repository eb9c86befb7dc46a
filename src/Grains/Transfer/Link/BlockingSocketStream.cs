using System.Diagnostics;
using System.Net.Sockets;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// A stream over a socket in blocking mode, for the threads that own the link's connections: its asynchronous reads
/// and writes complete synchronously on the calling thread. One asynchronous socket operation would switch the socket
/// to non-blocking mode for good, and every read would then wait for the epoll thread and a thread-pool thread, about
/// 0.1–0.2 ms per answer on a small VM against 0.02 ms for a thread woken in its blocking read.
/// </summary>
public sealed class BlockingSocketStream(Socket socket) : Stream
{
    private long _spinTicks;

    /// <summary>
    /// How long reads may poll for bytes, in all, before they block; zero (the default) blocks at once. Set it when a
    /// frame begins, whose rest is on its way: a thread that blocks between a frame's segments sleeps its core, and on
    /// a virtual machine waking a sleeping core costs more than a segment from another core takes to arrive. A budget
    /// rather than a per-read limit, so a slow link's trickle is not polled for all the way through.
    /// </summary>
    public TimeSpan SpinBudget
    {
        get => Stopwatch.GetElapsedTime(0, _spinTicks);
        set => _spinTicks = SpinTicks(value);
    }

    /// <summary>Polling only pays when another core can deliver the bytes meanwhile.</summary>
    public static bool SpinningPays => Environment.ProcessorCount > 1;

    /// <summary><paramref name="spin"/> in Stopwatch ticks, or zero where polling does not pay.</summary>
    public static long SpinTicks(TimeSpan spin) => SpinningPays ? (long)(spin.TotalSeconds * Stopwatch.Frequency) : 0;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_spinTicks > 0)
        {
            var started = Stopwatch.GetTimestamp();
            AwaitBytes(socket, _spinTicks);
            _spinTicks = Math.Max(0, _spinTicks - (Stopwatch.GetTimestamp() - started));
        }

        return socket.Receive(buffer, SocketFlags.None);
    }

    /// <summary>Polls until <paramref name="socket"/> has bytes to read or <paramref name="spinTicks"/> (Stopwatch ticks) passed; true when it has.</summary>
    public static bool AwaitBytes(Socket socket, long spinTicks)
    {
        var deadline = Stopwatch.GetTimestamp() + spinTicks;
        while (socket.Available == 0)
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }

            Thread.SpinWait(20);
        }

        return true;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[socket.Send(buffer, SocketFlags.None)..];
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Writes every segment, in order, with as few system calls as the socket allows.</summary>
    public static void SendAll(Socket socket, IList<ArraySegment<byte>> segments)
    {
        var remaining = segments;
        while (remaining.Count > 0)
        {
            var sent = socket.Send(remaining, SocketFlags.None);
            remaining = After(remaining, sent);
        }
    }

    private static List<ArraySegment<byte>> After(IList<ArraySegment<byte>> segments, int sent)
    {
        var rest = new List<ArraySegment<byte>>(segments.Count);
        foreach (var segment in segments)
        {
            if (sent >= segment.Count)
            {
                sent -= segment.Count;
                continue;
            }

            rest.Add(segment[sent..]);
            sent = 0;
        }

        return rest;
    }
}
