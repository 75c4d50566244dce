using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// A clock that moves only when a test moves it, and says which timers the code under test started (a retry's wait,
/// an attempt's timeout), with their due times: the wait a handler chose is read, not guessed from elapsed time.
/// </summary>
internal sealed class ManualClock : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _timers = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Enqueue(dueTime); // after the timer exists: a test that saw it can move time past it
        return timer;
    }

    /// <summary>The due times of the timers started so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Timers => _timers.ToArray();

    /// <summary>The due time of timer number <paramref name="index"/> (from 0), once it has been started.</summary>
    public async Task<TimeSpan> TimerAsync(int index)
    {
        await InMemory.EventuallyAsync(() => _timers.Count > index, $"timer {index} was never started (timers: {string.Join(", ", Timers)})");
        return Timers[index];
    }
}

/// <summary>The handler below the one under test: answers each call as the test says, and records when it was called.</summary>
internal sealed class FakeInner : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> _answer;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<(string Path, DateTimeOffset At)> _calls = new();
    private int _count;

    public FakeInner(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer, TimeProvider? time = null)
    {
        _answer = answer;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Answers call number n (from 1) with the status <paramref name="statuses"/>[n - 1], the last one from then on.</summary>
    public static FakeInner Statuses(TimeProvider time, params int[] statuses) =>
        new((_, n, _) => Task.FromResult(InMemory.Response(statuses[Math.Min(n, statuses.Length) - 1])), time);

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyList<(string Path, DateTimeOffset At)> Calls => _calls.ToArray();

    public Task WaitForAsync(int calls) => InMemory.EventuallyAsync(() => Count >= calls, $"expected {calls} calls, saw {Count}");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _calls.Enqueue((request.RequestUri!.AbsolutePath, _time.GetUtcNow()));
        return _answer(request, Interlocked.Increment(ref _count), cancellationToken);
    }
}

internal static class InMemory
{
    public static readonly Uri Api = new("https://api.test/public/v1/integration/extensions/EXT-1/instances");

    public static HttpResponseMessage Response(int status, string body = "{}", TimeSpan? retryAfter = null, DateTimeOffset? retryAt = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) };
        if (retryAfter is { } wait) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        if (retryAt is { } at) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(at);
        return response;
    }

    /// <summary><paramref name="handler"/> over <paramref name="inner"/>, ready to send through.</summary>
    public static HttpMessageInvoker Chain(DelegatingHandler handler, HttpMessageHandler inner)
    {
        handler.InnerHandler = inner;
        return new HttpMessageInvoker(handler);
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpMessageInvoker invoker, HttpMethod method, Uri? uri = null, CancellationToken cancellationToken = default) =>
        invoker.SendAsync(new HttpRequestMessage(method, uri ?? Api), cancellationToken);

    /// <summary>Waits (in real time, at most 10 s) for something another thread does: a continuation after a timer fired.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(2);
        }
    }

    /// <summary>Gives continuations that were due a moment to run, so a test can assert that something did not happen.</summary>
    public static Task SettleAsync() => Task.Delay(50);

    public static string Joined<T>(this IEnumerable<T> values) => string.Join(", ", values.Select(v => v?.ToString()));
}
