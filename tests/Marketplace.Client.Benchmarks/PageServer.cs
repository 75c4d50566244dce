using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// A Kestrel server on a free loopback port serving a collection of instances page by page
/// (<c>?limit=&amp;offset=</c>), optionally after a fixed latency per request. Pages come from <c>page</c>;
/// WireMock's own overhead would dominate the measurement, this server's does not. A request with
/// <c>MPT-Streaming: true</c> gets the whole collection (<c>streamTotal</c> records) in the platform's streaming mode,
/// one JSON line per record, generated as it is written, after the same latency once.
/// </summary>
public sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public const string ExtensionId = "EXT-6822-9898-4256";

    public Uri BaseUri { get; }

    /// <param name="page">The page body for (offset, limit).</param>
    /// <param name="latency">Waited before each response.</param>
    /// <param name="streamTotal">How many records a streamed response declares and holds.</param>
    /// <param name="streamChunk">The JSON lines of records 100·i to 100·i+99, by i; <see cref="Pages.InstanceLines"/> when not given.
    /// A benchmark passes precomputed chunks, so that making them is not measured as the client's work.</param>
    public static async Task<PageServer> StartAsync(Func<int, int, byte[]> page, TimeSpan latency, int streamTotal = 0, Func<int, byte[]>? streamChunk = null)
    {
        streamChunk ??= i => Pages.InstanceLines(i * 100, Math.Min(100, streamTotal - i * 100));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/public/v1/integration/extensions/{id}/instances", async (HttpContext context) =>
        {
            var limit = int.Parse(context.Request.Query["limit"].FirstOrDefault() ?? "100", CultureInfo.InvariantCulture);
            var offset = int.Parse(context.Request.Query["offset"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
            if (latency > TimeSpan.Zero) await Task.Delay(latency);
            if (context.Request.Headers["MPT-Streaming"] == "true")
            {
                context.Response.ContentType = "application/jsonl";
                context.Response.Headers["MPT-Streaming"] = "true";
                context.Response.Headers["MPT-Item-Count"] = streamTotal.ToString(CultureInfo.InvariantCulture);
                for (var chunk = 0; chunk * 100 < streamTotal; chunk++)
                    await context.Response.Body.WriteAsync(streamChunk(chunk));
                return;
            }
            var body = page(offset, limit);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PageServer(app, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
