using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Marketplace.Client.Tests.Http;

// The read timeout in memory, over a body that hands out bytes only when told to, on a clock the test moves: what the
// loopback tests in StreamingTests and FileTests show end to end, here rule by rule and without waiting.
public sealed class BodyReadStreamTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_read_that_gets_nothing_for_the_timeout_fails_saying_so()
    {
        var time = new FakeTimeProvider();
        using var body = new TrickleStream();
        using var stream = BodyReadStream.Wrap(body, Limit, time);

        var read = stream.ReadAsync(new byte[16], 0, 16, CancellationToken.None);
        time.Advance(Limit - TimeSpan.FromSeconds(1));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<IOException>(() => read);
        Assert.Equal("no data arrived for 120 s (ReadTimeout)", error.Message);
        // A body that timed out stays failed: the next read does not wait again.
        var again = await Assert.ThrowsAsync<IOException>(() => stream.ReadAsync(new byte[16], 0, 16, CancellationToken.None));
        Assert.Contains("no data arrived", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_is_per_read_so_a_slow_body_that_keeps_coming_is_not_cut_off()
    {
        var time = new FakeTimeProvider();
        using var body = new TrickleStream();
        using var stream = BodyReadStream.Wrap(body, Limit, time);
        var buffer = new byte[16];

        for (var i = 0; i < 5; i++)
        {
            var read = stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None);
            time.Advance(Limit - TimeSpan.FromSeconds(1)); // five reads, ten minutes in all
            body.Send(4);
            Assert.Equal(4, await read);
        }
        body.End();
        Assert.Equal(0, await stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None));
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        var time = new FakeTimeProvider();
        using var body = new TrickleStream();
        using var stream = BodyReadStream.Wrap(body, Limit, time);
        using var cancel = new CancellationTokenSource();

        var read = stream.ReadAsync(new byte[16], 0, 16, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }

    [Fact]
    public async Task A_synchronous_read_is_ended_too()
    {
        var time = new FakeTimeProvider();
        using var body = new TrickleStream();
        using var stream = BodyReadStream.Wrap(body, Limit, time);

        var read = Task.Factory.StartNew(() => stream.Read(new byte[16], 0, 16), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(body.Waiting.Wait(TimeSpan.FromSeconds(10)), "the read never started");
        time.Advance(Limit);

        var error = await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("no data arrived for 120 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_infinite_timeout_leaves_the_body_as_it_is_and_others_are_refused()
    {
        using var body = new TrickleStream();
        Assert.Same(body, BodyReadStream.Wrap(body, Timeout.InfiniteTimeSpan, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => BodyReadStream.Check(TimeSpan.Zero, "ReadTimeout"));
        Assert.Throws<ArgumentOutOfRangeException>(() => BodyReadStream.Check(TimeSpan.FromSeconds(-1), "ReadTimeout"));
        BodyReadStream.Check(Timeout.InfiniteTimeSpan, "ReadTimeout");
    }

    // Hands out bytes when Send is called, ends on End; a pending read ends with the token, or with Dispose (as a
    // socket's does).
    private sealed class TrickleStream : ReadOnlyStream
    {
        private readonly SemaphoreSlim _chunks = new(0);
        private readonly CancellationTokenSource _disposed = new();
        private int _pending;
        private volatile bool _ended;

        public ManualResetEventSlim Waiting { get; } = new();

        public void Send(int bytes)
        {
            Interlocked.Add(ref _pending, bytes);
            _chunks.Release();
        }

        public void End()
        {
            _ended = true;
            _chunks.Release();
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            await _chunks.WaitAsync(both.Token);
            return _ended ? 0 : Interlocked.Exchange(ref _pending, 0);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(ReadAsync(Array.Empty<byte>(), 0, buffer.Length, cancellationToken));

        public override int Read(byte[] buffer, int offset, int count)
        {
            Waiting.Set();
            try
            {
                _chunks.Wait(_disposed.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new ObjectDisposedException("the body was disposed", ex);
            }
            return _ended ? 0 : Interlocked.Exchange(ref _pending, 0);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed.IsCancellationRequested) _disposed.Cancel();
            base.Dispose(disposing);
        }
    }
}
