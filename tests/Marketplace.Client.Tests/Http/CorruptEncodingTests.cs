using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>
/// The client asks for gzip and brotli, and the handler decompresses as the body arrives. A body that says it is
/// compressed and is not (a proxy that mangles it, a cut-off transfer) makes the decompressor throw
/// <see cref="InvalidDataException"/>, which is neither an <see cref="IOException"/> nor an
/// <see cref="HttpRequestException"/>: it must still end as the failure of that kind of body, never escape raw.
/// </summary>
public sealed class CorruptEncodingTests
{
    public static TheoryData<string> Encodings => new() { "gzip", "br" };

    // A valid start (gzip's magic number; brotli has none), then bytes no decompressor accepts.
    private static byte[] Corrupt(string encoding) =>
        (encoding == "gzip" ? new byte[] { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff } : Array.Empty<byte>())
            .Concat(Enumerable.Range(0, 400).Select(i => (byte)((i * 151) ^ 0xA5))).ToArray();

    private static byte[] Response(string head, byte[] body) =>
        Encoding.ASCII.GetBytes(head + $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n").Concat(body).ToArray();

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_page_whose_compressed_body_is_corrupt_fails_as_a_broken_body_after_the_retries(string encoding)
    {
        using var server = TestApi.Scripted(_ => Response($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}\r\n", Corrupt(encoding)));
        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = server.BaseUri, Token = TestApi.Token, Retry = { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) },
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Contains("Reading the response to GET", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid " + encoding, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_stream_whose_compressed_body_is_corrupt_ends_saying_how_many_records_arrived(string encoding)
    {
        using var server = TestApi.Scripted(_ => Response(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nMPT-Streaming: true\r\nMPT-Item-Count: 3\r\nContent-Encoding: {encoding}\r\n", Corrupt(encoding)));
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = TestApi.Token });

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) { }
        });

        Assert.Contains("not valid " + encoding, error.Message, StringComparison.Ordinal);
        Assert.Contains("0 records were delivered of 3 declared", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_download_whose_compressed_body_is_corrupt_ends_the_read_with_an_io_exception(string encoding)
    {
        using var server = TestApi.Scripted(_ => Response($"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Encoding: {encoding}\r\n", Corrupt(encoding)));
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = TestApi.Token });
        var fetch = new OperationInfo("DownloadInstanceAttachment", "public/v1/integration/instances/{instanceId}/attachments/{attachmentId}", "instanceId", "attachmentId");

        using var download = await client.DownloadAsync(new MarketplaceRequest(fetch, HttpMethod.Get, "public/v1/integration/instances/INS-1/attachments/ATT-1").AsDownload("application/pdf"), default);
        var error = await Assert.ThrowsAsync<IOException>(() => download.CopyToAsync(Stream.Null, CancellationToken.None));

        Assert.Contains("The download of GET /public/v1/integration/instances/INS-1/attachments/ATT-1 broke after 0 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid " + encoding, error.Message, StringComparison.Ordinal);
    }
}
