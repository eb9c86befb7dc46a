using System.Collections.Concurrent;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>
/// Stage calls waiting for ONNX Runtime. A stage enters its call here and hands the ticket to its shard in
/// the request context; the shard marks it started right before <c>Run</c>, so the wait covers everything in
/// between: route lookup, a session still loading, and calls queued behind a running shard.
/// </summary>
public static class StageQueue
{
    /// <summary>Request-context key carrying the ticket from a stage to its shard (same silo).</summary>
    public const string TicketKey = "edgecluster.stage-ticket";

    // Static, not a silo service: a ticket id is unique, and in-process test clusters share one meter anyway.
    private static readonly ConcurrentDictionary<string, StageTicket> Waiting = new(StringComparer.Ordinal);

    /// <summary>Counts a call arriving at <paramref name="stage"/> on <paramref name="device"/> as waiting and in flight.</summary>
    /// <param name="arrivedAt">When the call arrived (a <see cref="System.Diagnostics.Stopwatch"/> timestamp); its wait counts from there.</param>
    public static StageTicket Enter(string device, int stage, long arrivedAt)
    {
        var ticket = new StageTicket(device, stage, arrivedAt);
        Waiting[ticket.Id] = ticket;
        RequestContext.Set(TicketKey, ticket.Id);
        return ticket;
    }

    /// <summary>The id of the calling stage's ticket (from the request context), or null when the call came from elsewhere.</summary>
    public static string? CurrentTicket() => RequestContext.Get(TicketKey) as string;

    /// <summary>Called right before ONNX Runtime runs, on any thread: ends the wait of ticket <paramref name="id"/>, if any.</summary>
    public static void MarkStarted(string? id)
    {
        if (id is not null && Waiting.TryRemove(id, out var ticket))
        {
            ticket.OnStarted();
        }
    }

    /// <summary>The ticket's stage finished without its shard starting (a failure): it stops waiting, with no wait recorded.</summary>
    internal static void Abandon(StageTicket ticket)
    {
        if (Waiting.TryRemove(ticket.Id, out _))
        {
            ticket.OnAbandoned();
        }
    }
}
