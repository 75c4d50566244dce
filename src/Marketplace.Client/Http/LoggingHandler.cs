using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Marketplace.Client.Http;

/// <summary>
/// Logs each attempt at <see cref="LogLevel.Debug"/>: method, path (never the query: RQL values are the caller's data),
/// status or failure, time and attempt number. Never a header or a body, so never the token. Only in the chain when the
/// client was given a logger factory.
/// </summary>
internal sealed class LoggingHandler : DelegatingHandler
{
    private static readonly Action<ILogger, string, string, int, long, int, Exception?> LogAnswered = LoggerMessage.Define<string, string, int, long, int>(
        LogLevel.Debug, new EventId(1, "MarketplaceRequest"), "{Method} {Path} answered {StatusCode} in {ElapsedMs} ms (attempt {Attempt})");

    private static readonly Action<ILogger, string, string, string, long, int, Exception?> LogFailed = LoggerMessage.Define<string, string, string, long, int>(
        LogLevel.Debug, new EventId(3, "MarketplaceRequestFailed"), "{Method} {Path} failed ({ErrorType}) after {ElapsedMs} ms (attempt {Attempt})");

    private readonly ILogger _logger;

    public LoggingHandler(ILogger logger) => _logger = logger;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
                LogAnswered(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", (int)response.StatusCode, ElapsedMs(started), RequestState.Sends(request), null);
            return response;
        }
        catch (Exception ex) when (_logger.IsEnabled(LogLevel.Debug))
        {
            // The type, not the exception: its message may quote the server, and the caller gets the exception anyway.
            LogFailed(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", MarketplaceDiagnostics.ErrorType(ex, cancellationToken), ElapsedMs(started), RequestState.Sends(request), null);
            throw;
        }
    }

    private static long ElapsedMs(long started) => (long)((Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency);
}
