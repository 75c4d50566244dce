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
