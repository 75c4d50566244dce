using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// <see cref="RetryHandler"/> in memory, over a fake inner handler and a clock the test moves: the waits it chooses are
/// read from the timers it starts, so no test waits out a real <c>Retry-After</c>. The rules come from README's
/// "Retries" and "Retry-After" and API-FACTS (429 and 503 carry Retry-After; only idempotent requests are resent).
/// </summary>
public sealed class RetryHandlerTests
{
    private readonly ManualClock _clock = new();

    private static MarketplaceClientOptions Options(Action<MarketplaceClientOptions>? configure = null)
    {
        var options = new MarketplaceClientOptions { Token = "t", Timeout = TimeSpan.FromSeconds(100) };
        configure?.Invoke(options);
        return options;
    }

    private HttpMessageInvoker Retrying(FakeInner inner, Action<MarketplaceClientOptions>? configure = null, ILogger? logger = null) =>
        InMemory.Chain(new RetryHandler(Options(configure), _clock, logger), inner);

    [Fact]
    public async Task A_retry_after_in_seconds_is_waited_in_full_plus_at_most_a_tenth_of_it()
    {
        var inner = new FakeInner((_, n, _) => Task.FromResult(n == 1 ? InMemory.Response(429, retryAfter: TimeSpan.FromSeconds(5)) : InMemory.Response(200)), _clock);
        using var invoker = Retrying(inner);

        var call = invoker.SendAsync(HttpMethod.Get);
        var wait = await _clock.TimerAsync(0);
        Assert.InRange(wait, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.5));

        _clock.Advance(wait - TimeSpan.FromMilliseconds(1));
        await InMemory.SettleAsync();
        Assert.Equal(1, inner.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await call;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(2, inner.Count);
        Assert.True(inner.Calls[1].At - inner.Calls[0].At >= TimeSpan.FromSeconds(5), "the second attempt went out before Retry-After had passed");
    }

    [Fact]
    public async Task A_retry_after_date_is_waited_until_that_moment()
    {
        var at = _clock.GetUtcNow().AddSeconds(10);
        var inner = new FakeInner((_, n, _) => Task.FromResult(n == 1 ? InMemory.Response(503, retryAt: at) : InMemory.Response(200)), _clock);
        using var invoker = Retrying(inner);

        var call = invoker.SendAsync(HttpMethod.Get);
        var wait = await _clock.TimerAsync(0);
        _clock.Advance(wait);
        using var response = await call;

        Assert.InRange(wait, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11));
        Assert.True(inner.Calls[1].At >= at);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_is_not_waited_and_the_429_goes_back()
    {
        var original = InMemory.Response(429, retryAfter: TimeSpan.FromSeconds(61));
        var inner = new FakeInner((_, n, _) => Task.FromResult(n == 1 ? original : InMemory.Response(200)), _clock);
        using var invoker = Retrying(inner, o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));

        using var response = await invoker.SendAsync(HttpMethod.Get);

        Assert.Same(original, response);
        Assert.Equal(1, inner.Count);
        Assert.Empty(_clock.Timers);
    }

    [Fact]
    public async Task A_retry_after_beyond_what_is_left_of_the_overall_timeout_is_not_waited()
    {
        var inner = new FakeInner((_, n, _) => Task.FromResult(InMemory.Response(503, retryAfter: TimeSpan.FromSeconds(10))), _clock);
        using var invoker = Retrying(inner, o => o.Timeout = TimeSpan.FromSeconds(5));

        using var response = await invoker.SendAsync(HttpMethod.Get);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, inner.Count);
    }

    [Fact]
    public async Task Without_retry_after_the_back_off_doubles_within_a_fifth_either_way_and_stops_at_the_max_delay()
    {
        var inner = FakeInner.Statuses(_clock, 503, 503, 503, 503, 200);
        using var invoker = Retrying(inner, o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(1);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(3);
        });

        var call = invoker.SendAsync(HttpMethod.Get);
        for (var i = 0; i < 4; i++) _clock.Advance(await _clock.TimerAsync(i));
        using var response = await call;

        var waits = _clock.Timers;
        Assert.InRange(waits[0], TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(waits[1], TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        Assert.InRange(waits[2], TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(3)); // 3.2 to 4.8, capped at 3
        Assert.Equal(TimeSpan.FromSeconds(3), waits[3]);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(5, inner.Count);
    }

    [Fact]
    public async Task A_persistent_failure_gets_max_attempts_and_then_its_last_response()
    {
        var inner = FakeInner.Statuses(_clock, 502);
        using var invoker = Retrying(inner, o => o.Retry.MaxAttempts = 3);

        var call = invoker.SendAsync(HttpMethod.Get);
        _clock.Advance(await _clock.TimerAsync(0));
        _clock.Advance(await _clock.TimerAsync(1));
        using var response = await call;

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal(3, inner.Count);
        Assert.Equal(2, _clock.Timers.Count);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_request_that_may_have_changed_something_is_sent_once(string method)
    {
        var statuses = FakeInner.Statuses(_clock, 503, 200);
        using (var invoker = Retrying(statuses))
        using (var response = await invoker.SendAsync(new HttpMethod(method)))
            Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, statuses.Count);

        var failing = new FakeInner((_, _, _) => throw new HttpRequestException("reset"), _clock);
        using var again = Retrying(failing);
        await Assert.ThrowsAsync<HttpRequestException>(() => again.SendAsync(new HttpMethod(method)));
        Assert.Equal(1, failing.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public async Task A_status_that_would_repeat_is_not_retried(int status)
    {
        var inner = FakeInner.Statuses(_clock, status, 200);
        using var invoker = Retrying(inner);

        using var response = await invoker.SendAsync(HttpMethod.Get);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, inner.Count);
    }

    [Fact]
    public async Task A_failure_that_would_repeat_is_not_retried()
    {
        var inner = new FakeInner((_, _, _) => throw new HttpRequestException("dns", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)), _clock);
        using var invoker = Retrying(inner);

        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(HttpMethod.Get));

        Assert.Equal(1, inner.Count);
    }

    [Fact]
    public async Task A_connection_failure_is_retried_and_the_last_one_surfaces()
    {
        var inner = new FakeInner((_, n, _) => throw new HttpRequestException("reset " + n), _clock);
        using var invoker = Retrying(inner, o => o.Retry.MaxAttempts = 2);

        var call = invoker.SendAsync(HttpMethod.Get);
        _clock.Advance(await _clock.TimerAsync(0));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => call);

        Assert.Equal("reset 2", error.Message);
    }

    [Fact]
    public async Task Attempts_that_time_out_are_retried_then_one_timeout_exception_says_how_many_there_were()
    {
        var inner = new FakeInner((_, _, _) => throw new AttemptTimeoutException("slow", new TaskCanceledException()), _clock);
        using var invoker = Retrying(inner, o =>
        {
            o.Retry.MaxAttempts = 2;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(250);
        });

        var call = invoker.SendAsync(HttpMethod.Get);
        _clock.Advance(await _clock.TimerAsync(0));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call);

        Assert.Equal(
            "The Marketplace API did not answer GET /public/v1/integration/extensions/EXT-1/instances within 0.25 s (attempts: 2).",
            error.Message);
        Assert.IsType<AttemptTimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task Cancelling_ends_a_wait_at_once_and_nothing_more_is_sent()
    {
        var inner = new FakeInner((_, _, _) => Task.FromResult(InMemory.Response(429, retryAfter: TimeSpan.FromSeconds(30))), _clock);
        using var invoker = Retrying(inner);
        using var cancellation = new CancellationTokenSource();

        var call = invoker.SendAsync(HttpMethod.Get, cancellationToken: cancellation.Token);
        await _clock.TimerAsync(0);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, inner.Count);
    }

    [Fact]
    public async Task A_cancelled_attempt_is_not_retried()
    {
        using var cancellation = new CancellationTokenSource();
        var inner = new FakeInner((_, _, token) =>
        {
            cancellation.Cancel();
            throw new TaskCanceledException("cancelled", null, token);
        }, _clock);
        using var invoker = Retrying(inner);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.SendAsync(HttpMethod.Get, cancellationToken: cancellation.Token));

        Assert.Equal(1, inner.Count);
        Assert.Empty(_clock.Timers);
    }

    [Fact]
    public async Task Once_the_server_says_wait_no_other_request_goes_out_before_then_whatever_its_method()
    {
        var throttledPath = InMemory.Api.AbsolutePath;
        var inner = new FakeInner((request, n, _) => Task.FromResult(
            request.RequestUri!.AbsolutePath == throttledPath && n == 1 ? InMemory.Response(429, retryAfter: TimeSpan.FromSeconds(3)) : InMemory.Response(200)), _clock);
        using var invoker = Retrying(inner);

        var throttled = invoker.SendAsync(HttpMethod.Get);
        await _clock.TimerAsync(0);
        var other = invoker.SendAsync(HttpMethod.Post, new Uri("https://api.test/public/v1/other"));
        var holdOff = await _clock.TimerAsync(1);
        await InMemory.SettleAsync();
        Assert.Equal(1, inner.Count);

        _clock.Advance(TimeSpan.FromSeconds(3.3)); // past both waits: 3 s plus at most 0.3 s of jitter
        using (await throttled) { }
        using (await other) { }

        Assert.InRange(holdOff, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.3));
        Assert.Equal(3, inner.Count);
        Assert.All(System.Linq.Enumerable.Skip(inner.Calls, 1), call => Assert.True(call.At - inner.Calls[0].At >= TimeSpan.FromSeconds(3)));
    }

    public static TheoryData<string, int> WritesAndFailuresAfterWhichTheWriteMayHaveHappened()
    {
        var data = new TheoryData<string, int>();
        foreach (var method in new[] { "POST", "PUT", "DELETE" })
            foreach (var status in new[] { 408, 500, 502, 503, 504 })
                data.Add(method, status);
        return data;
    }

    [Theory]
    [MemberData(nameof(WritesAndFailuresAfterWhichTheWriteMayHaveHappened))]
    public async Task A_write_answered_with_an_error_that_may_come_after_it_took_effect_is_sent_once(string method, int status)
    {
        var inner = FakeInner.Statuses(_clock, status, 200);
        using var invoker = Retrying(inner);

        using var response = await invoker.SendAsync(new HttpMethod(method));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, inner.Count);
        Assert.Empty(_clock.Timers);
    }

    [Fact]
    public async Task A_write_answered_503_with_retry_after_is_still_sent_once()
    {
        var inner = new FakeInner((_, n, _) => Task.FromResult(n == 1 ? InMemory.Response(503, retryAfter: TimeSpan.FromSeconds(1)) : InMemory.Response(201)), _clock);
        using var invoker = Retrying(inner);

        using var response = await invoker.SendAsync(HttpMethod.Post);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, inner.Count);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_write_refused_with_429_is_sent_again_after_the_wait_with_the_same_body(string method)
    {
        var bodies = new ConcurrentQueue<string>();
        var inner = new FakeInner(async (request, n, token) =>
        {
            bodies.Enqueue(request.Content is null ? "" : await request.Content.ReadAsStringAsync(token));
            return n == 1 ? InMemory.Response(429, retryAfter: TimeSpan.FromSeconds(2)) : InMemory.Response(201);
        }, _clock);
        using var invoker = Retrying(inner);
        using var request = new HttpRequestMessage(new HttpMethod(method), InMemory.Api) { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("{\"name\":\"node-1\"}")) };

        var call = invoker.SendAsync(request, CancellationToken.None);
        var wait = await _clock.TimerAsync(0);
        _clock.Advance(wait);
        using var response = await call;

        Assert.Equal(201, (int)response.StatusCode);
        Assert.InRange(wait, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.2));
        Assert.Equal(new[] { "{\"name\":\"node-1\"}", "{\"name\":\"node-1\"}" }, bodies);
    }

    [Fact]
    public async Task A_write_that_keeps_being_refused_with_429_stops_at_max_attempts_and_the_429_goes_back()
    {
        var inner = FakeInner.Statuses(_clock, 429);
        using var invoker = Retrying(inner, o => o.Retry.MaxAttempts = 3);

        var call = invoker.SendAsync(HttpMethod.Post);
        _clock.Advance(await _clock.TimerAsync(0));
        _clock.Advance(await _clock.TimerAsync(1));
        using var response = await call;

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(3, inner.Count);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_write_whose_connection_failed_or_timed_out_is_not_sent_again(string method)
    {
        var dropped = new FakeInner((_, _, _) => throw new HttpRequestException("The response ended prematurely.", null, System.Net.HttpStatusCode.OK), _clock);
        using (var invoker = Retrying(dropped))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpMethod(method)));
        }
        Assert.Equal(1, dropped.Count);

        var slow = new FakeInner((_, _, _) => throw new TimeoutException("the attempt timed out"), _clock);
        using (var invoker = Retrying(slow))
        {
            await Assert.ThrowsAsync<TimeoutException>(() => invoker.SendAsync(new HttpMethod(method)));
        }
        Assert.Equal(1, slow.Count);
        Assert.Empty(_clock.Timers);
    }

    [Fact]
    public async Task Retries_can_be_switched_off()
    {
        var inner = FakeInner.Statuses(_clock, 503, 200);
        using var invoker = Retrying(inner, o => o.Retry.Enabled = false);

        using var response = await invoker.SendAsync(HttpMethod.Get);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, inner.Count);
    }

    [Fact]
    public async Task Each_retry_is_logged_with_the_attempt_the_outcome_and_the_wait()
    {
        var logger = new ListLogger();
        var inner = FakeInner.Statuses(_clock, 503, 200);
        using var invoker = Retrying(inner, logger: logger);

        var call = invoker.SendAsync(HttpMethod.Get, new Uri(InMemory.Api + "?eq(name,secret)"));
        var wait = await _clock.TimerAsync(0);
        _clock.Advance(wait);
        using (await call) { }

        var entry = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Warning, 2, "MarketplaceRetry"), (entry.Level, entry.Id.Id, entry.Id.Name));
        var logged = System.Text.RegularExpressions.Regex.Match(entry.Message,
            @"^GET /public/v1/integration/extensions/EXT-1/instances failed on attempt 1 \(503\); retrying in (\d+) ms$");
        Assert.True(logged.Success, entry.Message);
        // The wait as logged (whole milliseconds) is the wait the timer was started with.
        Assert.InRange(double.Parse(logged.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), wait.TotalMilliseconds - 1, wait.TotalMilliseconds + 1);
    }

    [Fact]
    public async Task Each_attempt_is_counted_on_the_request_for_the_handlers_below()
    {
        var seen = new ConcurrentQueue<int>();
        var inner = new FakeInner((request, n, _) =>
        {
            seen.Enqueue(RequestState.Sends(request));
            return Task.FromResult(InMemory.Response(n < 3 ? 500 : 200));
        }, _clock);
        using var invoker = Retrying(inner);

        var call = invoker.SendAsync(HttpMethod.Get);
        _clock.Advance(await _clock.TimerAsync(0));
        _clock.Advance(await _clock.TimerAsync(1));
        using (await call) { }

        Assert.Equal(new[] { 1, 2, 3 }, seen.ToArray());
    }
}

/// <summary>
/// <c>Retry-After</c> values the runtime's typed header cannot hold (issue 36, item 2): read once, by one parser
/// (<see cref="RetryAfter"/>), so the handler waits what the exception reports. RFC 9110 §10.2.3: delay-seconds is
/// 1*DIGIT (any length) or an HTTP-date.
/// </summary>
public sealed class RetryAfterParsingTests
{
    private readonly ManualClock _clock = new();

    private static HttpResponseMessage Answer(int status, string retryAfter)
    {
        var response = InMemory.Response(status);
        Assert.True(response.Headers.TryAddWithoutValidation("Retry-After", retryAfter));
        return response;
    }

    private HttpMessageInvoker Retrying(FakeInner inner) =>
        InMemory.Chain(new RetryHandler(new MarketplaceClientOptions { Token = "t", Timeout = TimeSpan.FromSeconds(100) }, _clock, null), inner);

    [Theory]
    [InlineData("GET", "4000000000")]
    [InlineData("POST", "4000000000")]
    [InlineData("GET", "99999999999999999999999")]
    [InlineData("DELETE", "99999999999999999999999")]
    public async Task A_wait_longer_than_the_cap_in_any_number_of_digits_ends_the_call_at_once_for_reads_and_writes(string method, string value)
    {
        var inner = new FakeInner((_, _, _) => Task.FromResult(Answer(429, value)), _clock);
        using var invoker = Retrying(inner);

        using var response = await invoker.SendAsync(new HttpMethod(method)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(1, inner.Count);
        Assert.Empty(_clock.Timers);
    }

    [Fact]
    public async Task A_fractional_number_of_seconds_is_waited_in_full()
    {
        var inner = new FakeInner((_, n, _) => Task.FromResult(n == 1 ? Answer(503, "1.5") : InMemory.Response(200)), _clock);
        using var invoker = Retrying(inner);

        var call = invoker.SendAsync(HttpMethod.Get);
        var wait = await _clock.TimerAsync(0);
        _clock.Advance(wait);
        using var response = await call;

        Assert.InRange(wait, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.65));
        Assert.Equal(2, inner.Count);
    }

    [Theory]
    [InlineData("4000000000", 2147483647.0)]
    [InlineData("99999999999999999999999", 2147483647.0)]
    [InlineData("120", 120.0)]
    [InlineData(" 7 ", 7.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("-5", null)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    public void The_parser_reads_seconds_of_any_length_and_refuses_what_is_not_a_wait(string value, double? seconds)
    {
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, RetryAfter.Parse(value, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("Thu, 01 Jan 1970 00:01:40 GMT", 100.0)]   // IMF-fixdate
    [InlineData("Thursday, 01-Jan-70 00:01:40 GMT", 100.0)] // obsolete RFC 850, which recipients must accept
    [InlineData("Thu Jan  1 00:01:40 1970", 100.0)]         // obsolete asctime
    [InlineData("Wed, 31 Dec 1969 23:59:00 GMT", 0.0)]      // already past: no wait
    public void The_parser_reads_every_http_date_form(string value, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(value, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("4000000000")]
    [InlineData("1.5")]
    [InlineData("-5")]
    public void The_exception_reports_the_wait_the_handler_read(string value)
    {
        using var response = Answer(429, value);
        var error = new MarketplaceApiException("refused", 429, null, MarketplaceClient.HeadersOf(response), null);

        Assert.Equal(RetryAfter.Parse(value, DateTimeOffset.UtcNow), error.RetryAfter);
        Assert.Equal(RetryAfter.Of(response, _clock), error.RetryAfter);
    }
}

/// <summary>Keeps what was logged, formatted, with its level and event id.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message, object? State)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception), state));
}
