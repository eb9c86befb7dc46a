using System.Collections.Concurrent;
using EdgeCluster.Grains.Interfaces.Inference;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// The requests of this origin device that wait for their last stage to answer them directly. Each attempt waits
/// under a token of its own, so an answer for an attempt that was abandoned (a restart from the origin) is refused.
/// </summary>
public sealed class OriginAnswers
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InferenceResult>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Requests waiting now.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Starts waiting for one answer; disposing the wait stops it.</summary>
    public Wait Expect()
    {
        var token = Guid.NewGuid().ToString("N");

        // Continuations run on the thread that accepts the answer: the origin answers its caller from there.
        var source = new TaskCompletionSource<InferenceResult>();
        _waiting[token] = source;
        return new Wait(this, token, source.Task);
    }

    /// <summary>Hands <paramref name="answer"/> to the request waiting for it; false when none does (it ended, or restarted).</summary>
    public bool TryAccept(OriginAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return _waiting.TryRemove(answer.Token, out var source) && source.TrySetResult(answer.Result);
    }

    /// <summary>One request's wait for its answer.</summary>
    public sealed class Wait(OriginAnswers owner, string token, Task<InferenceResult> answered) : IDisposable
    {
        public string Token => token;

        public Task<InferenceResult> Answered => answered;

        public void Dispose() => owner._waiting.TryRemove(token, out _);
    }
}
