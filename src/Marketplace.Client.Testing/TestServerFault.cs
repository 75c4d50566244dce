using System;

namespace Marketplace.Client.Testing;

/// <summary>One failure queued for the next request (<see cref="MarketplaceTestServer.FailNext"/> and its siblings).</summary>
internal sealed class TestServerFault
{
    private TestServerFault(TestServerFaultKind kind, int statusCode, TimeSpan? wait)
    {
        Kind = kind;
        StatusCode = statusCode;
        Wait = wait;
    }

    public TestServerFaultKind Kind { get; }

    public int StatusCode { get; }

    /// <summary>The Retry-After of a status fault, or the hold of a delay.</summary>
    public TimeSpan? Wait { get; }

    public static TestServerFault Status(int statusCode, TimeSpan? retryAfter) => new(TestServerFaultKind.Status, statusCode, retryAfter);

    public static TestServerFault CutOff() => new(TestServerFaultKind.CutOff, 200, null);

    public static TestServerFault Garble() => new(TestServerFaultKind.Garble, 200, null);

    public static TestServerFault Delay(TimeSpan delay) => new(TestServerFaultKind.Delay, 0, delay);
}

internal enum TestServerFaultKind
{
    Status,
    CutOff,
    Garble,
    Delay,
}

/// <summary>
/// The queued faults, each for one request in order. A delay is taken by the front (<see cref="TestServerFront"/>) as the
/// request arrives and awaited there, so a held request holds no thread of the process under test; every other fault is
/// taken by the dispatch when WireMock.Net matches the request. A request that was delayed arrives marked
/// (<see cref="DelayedHeader"/>): the delay was its fault, and the dispatch takes none for it.
/// </summary>
internal sealed class TestServerFaults
{
    /// <summary>The header the front adds to a request it held (not shown in <see cref="MarketplaceTestRequest.Headers"/>).</summary>
    public const string DelayedHeader = "X-Marketplace-Test-Server-Delayed";

    private readonly System.Collections.Generic.Queue<TestServerFault> _queue = new();

    public void Add(TestServerFault fault)
    {
        lock (_queue) _queue.Enqueue(fault);
    }

    public void Clear()
    {
        lock (_queue) _queue.Clear();
    }

    /// <summary>The delay at the head of the queue, taken; <see langword="null"/> when the head is another fault or none.</summary>
    public TimeSpan? TakeDelay()
    {
        lock (_queue)
        {
            if (_queue.Count == 0 || _queue.Peek().Kind != TestServerFaultKind.Delay) return null;
            return _queue.Dequeue().Wait;
        }
    }

    /// <summary>The fault for a request that was not delayed: the head of the queue (a delay there, which only a request
    /// that bypassed the front can meet, is taken as no fault).</summary>
    public TestServerFault? TakeForRequest()
    {
        lock (_queue)
        {
            if (_queue.Count == 0) return null;
            var fault = _queue.Dequeue();
            return fault.Kind == TestServerFaultKind.Delay ? null : fault;
        }
    }
}
