using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>
/// Files (issue 21, "Files"): a multipart upload as the platform's official client writes it (a compact UTF-8
/// <c>application/json</c> part, a file part with its name and type, the caller's stream read and left open), a
/// download handed over as a stream with its type and a safe file name, uncapped by <c>MaxResponseBytes</c>, and the
/// redirect rule (a download follows to another host without the token; a write never does). Requests are built the way
/// the generated methods build them (<c>WithMultipartBody</c>, <c>AsDownload</c>) and go through the whole pipeline.
/// </summary>
public sealed class FileTests : IDisposable
{
    private const string AttachmentsPath = "/public/v1/integration/instances/INS-1/attachments";
    private const string DownloadPath = AttachmentsPath + "/ATT-1";
    private static readonly OperationInfo Upload = new("CreateInstanceAttachment", "public/v1/integration/instances/{instanceId}/attachments");
    private static readonly OperationInfo Fetch = new("DownloadInstanceAttachment", "public/v1/integration/instances/{instanceId}/attachments/{attachmentId}");

    private readonly TestApi _api = new();
    private readonly WireMockServer _elsewhere = WireMockServer.Start();

    public void Dispose()
    {
        _api.Dispose();
        _elsewhere.Dispose();
    }

    // Bytes that would break a text-minded encoder: CR LF, "--", NUL, invalid UTF-8.
    private static byte[] Binary(int size)
    {
        var bytes = new byte[size];
        new Random(21).NextBytes(bytes);
        Encoding.ASCII.GetBytes("\r\n--\r\n\0").CopyTo(bytes, 0);
        return bytes;
    }

    private static MarketplaceRequest UploadRequest(object? json, MarketplaceFile? file) =>
        new MarketplaceRequest(Upload, HttpMethod.Post, AttachmentsPath.TrimStart('/')).WithMultipartBody(("attachment", json), ("file", file));

    private void AnswerUpload(int status = 201, string body = """{"id":"ATT-1","name":"contract"}""", string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", status < 300 ? "application/json" : "application/problem+json").WithBody(body);
        if (retryAfter is not null) response = response.WithHeader("Retry-After", retryAfter);
        _api.WireMock.Given(Request.Create().WithPath(AttachmentsPath).UsingPost()).RespondWith(response);
    }

    private List<WireMock.Logging.ILogEntry> Uploads() => _api.WireMock.LogEntries.Where(e => e.RequestMessage!.Path == AttachmentsPath).ToList();

    [Fact]
    public async Task An_upload_sends_a_compact_json_part_and_the_file_part_byte_for_byte_and_leaves_the_stream_open()
    {
        AnswerUpload();
        var bytes = Binary(200_000);
        using var stream = new MemoryStream(bytes);

        var created = await _api.Client.SendAsync<InstanceAttachmentStandIn, InstanceAttachmentStandIn>(
            UploadRequest(new Instance { Name = "nœud-1", Status = InstanceStatus.Running }, new MarketplaceFile(stream, "contract.pdf", "application/pdf")), default);

        Assert.Equal("ATT-1", created.Id);
        var request = Uploads().Single().RequestMessage!;
        var parts = Multipart.Parse(request.Headers!["Content-Type"].Single(), request.BodyAsBytes!);
        Assert.Equal(2, parts.Count);
        Assert.Equal("form-data; name=\"attachment\"", parts[0].Header("Content-Disposition"));
        Assert.Equal("application/json", parts[0].Header("Content-Type"));
        Assert.Equal("{\"name\":\"nœud-1\",\"status\":\"Running\"}", Encoding.UTF8.GetString(parts[0].Body));
        Assert.StartsWith("form-data; name=\"file\"; filename=\"contract.pdf\"", parts[1].Header("Content-Disposition"), StringComparison.Ordinal);
        Assert.Equal("application/pdf", parts[1].Header("Content-Type"));
        Assert.Equal(bytes, parts[1].Body);
        Assert.True(stream.CanRead, "the caller's stream was disposed");
        Assert.Equal(bytes.Length, stream.Position);
        Assert.Equal("Bearer " + TestApi.Token, request.Headers["Authorization"].Single());
    }

    [Fact]
    public async Task A_file_is_read_from_where_its_stream_stands_and_a_non_ascii_name_arrives_as_written()
    {
        AnswerUpload();
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("skipped|sent"));
        stream.Position = "skipped|".Length;

        await _api.Client.SendAsync<InstanceAttachmentStandIn, InstanceAttachmentStandIn>(UploadRequest(null, new MarketplaceFile(stream, "Übersicht 2026.txt", "text/plain")), default);

        var request = Uploads().Single().RequestMessage!;
        var part = Multipart.Parse(request.Headers!["Content-Type"].Single(), request.BodyAsBytes!).Single();
        Assert.Equal("sent", Encoding.ASCII.GetString(part.Body));
        // In UTF-8 as browsers send it, without filename* (RFC 7578 §4.2); UploadFileNameTests reads it through ASP.NET Core.
        Assert.Equal("form-data; name=\"file\"; filename=\"Übersicht 2026.txt\"", part.Header("Content-Disposition"));
    }

    [Fact]
    public async Task An_upload_answered_503_is_sent_once()
    {
        AnswerUpload(503, """{"title":"Service Unavailable"}""");
        using var stream = new MemoryStream(Binary(1000));

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() =>
            _api.Client.SendAsync<InstanceAttachmentStandIn, InstanceAttachmentStandIn>(UploadRequest(new Instance { Name = "x" }, new MarketplaceFile(stream, "a.bin")), default));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(Uploads());
    }

    [Fact]
    public async Task An_upload_answered_429_is_sent_again_from_the_same_position_when_its_stream_can_seek()
    {
        _api.WireMock.Given(Request.Create().WithPath(AttachmentsPath).UsingPost()).InScenario("throttled").WillSetStateTo("served")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0").WithBody("""{"title":"Too Many Requests"}"""));
        _api.WireMock.Given(Request.Create().WithPath(AttachmentsPath).UsingPost()).InScenario("throttled").WhenStateIs("served")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"id":"ATT-2"}"""));
        var bytes = Binary(50_000);
        using var stream = new MemoryStream(bytes);

        var created = await _api.Client.SendAsync<InstanceAttachmentStandIn, InstanceAttachmentStandIn>(UploadRequest(null, new MarketplaceFile(stream, "a.bin")), default);

        Assert.Equal("ATT-2", created.Id);
        var sent = Uploads().Select(e => Multipart.Parse(e.RequestMessage!.Headers!["Content-Type"].Single(), e.RequestMessage.BodyAsBytes!).Single().Body).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(bytes, sent[0]);
        Assert.Equal(bytes, sent[1]);
    }

    [Fact]
    public async Task An_upload_from_a_stream_that_cannot_seek_is_not_sent_again_after_429_and_the_429_says_how_long_to_wait()
    {
        AnswerUpload(429, """{"title":"Too Many Requests"}""", retryAfter: "0");
        using var stream = new ForwardOnlyStream(Binary(10_000));

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() =>
            _api.Client.SendAsync<InstanceAttachmentStandIn, InstanceAttachmentStandIn>(UploadRequest(null, new MarketplaceFile(stream, "a.bin")), default));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(TimeSpan.Zero, error.RetryAfter);
        Assert.Single(Uploads());
        // Sent chunked: the length of a forward-only stream is not known.
        Assert.False(Uploads().Single().RequestMessage!.Headers!.ContainsKey("Content-Length") && !Uploads().Single().RequestMessage!.Headers!.ContainsKey("Transfer-Encoding"));
    }

    [Fact]
    public void A_file_name_that_would_break_the_part_header_is_refused_before_anything_is_sent()
    {
        using var stream = new MemoryStream();
        // A line break is written %0D%0A, as browsers write it (UploadFileNameTests); other control characters are refused.
        Assert.Throws<ArgumentException>(() => new MarketplaceFile(stream, "a\0.pdf"));
        Assert.Throws<ArgumentException>(() => new MarketplaceFile(stream, "a\t.pdf"));
        Assert.Throws<ArgumentException>(() => new MarketplaceFile(stream, "  "));
        Assert.Throws<ArgumentException>(() => new MarketplaceFile(stream, "a.pdf", "not a media type"));
        Assert.Throws<ArgumentNullException>(() => new MarketplaceFile(null!, "a.pdf"));
        Assert.Equal(MarketplaceFile.DefaultContentType, new MarketplaceFile(stream, "a.pdf").ContentType);
    }

    private MarketplaceRequest DownloadRequest() => new MarketplaceRequest(Fetch, HttpMethod.Get, DownloadPath.TrimStart('/')).AsDownload("application/pdf");

    [Fact]
    public async Task A_download_larger_than_MaxResponseBytes_arrives_whole_as_a_stream_with_its_type_and_a_safe_file_name()
    {
        var bytes = Binary(3 * 1024 * 1024);
        _api.WireMock.Given(Request.Create().WithPath(DownloadPath).UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "application/pdf")
            .WithHeader("Content-Disposition", "attachment; filename=\"../../etc/contract.pdf\"")
            .WithBody(bytes));
        using var client = _api.CreateClient(o => o.MaxResponseBytes = 1024 * 1024);

        using var download = await client.DownloadAsync(DownloadRequest(), default);
        using var copy = new MemoryStream();
        await download.CopyToAsync(copy);

        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal("application/pdf", download.ContentType);
        Assert.Equal("contract.pdf", download.FileName);
        Assert.Equal("application/pdf", _api.WireMock.LogEntries.Single().RequestMessage!.Headers!["Accept"].Single());
    }

    [Theory]
    [InlineData("attachment; filename=\"plain.txt\"; filename*=UTF-8''%C3%9Cbersicht.txt", "Übersicht.txt")]
    [InlineData("attachment; filename=\"C:\\\\Windows\\\\evil.exe\"", "evil.exe")]
    [InlineData("attachment; filename=\"..\"", null)]
    [InlineData("inline", null)]
    // RFC 9110 §5.6.4: a quoted-string's quoted-pairs stand for the character after the backslash (issue 36, item 5).
    [InlineData("attachment; filename=\"report \\\"Q1\\\".pdf\"", "report \"Q1\".pdf")]
    [InlineData("attachment; filename=\"a\\\\b.txt\"", "b.txt")]
    [InlineData("attachment; filename=\"\\\"quoted\\\"\"", "\"quoted\"")]
    [InlineData("attachment; filename=plain-token.csv", "plain-token.csv")]
    public async Task The_file_name_is_the_servers_reduced_to_a_bare_name(string disposition, string? expected)
    {
        _api.WireMock.Given(Request.Create().WithPath(DownloadPath).UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "text/plain").WithHeader("Content-Disposition", disposition).WithBody("x"));

        using var download = await _api.Client.DownloadAsync(DownloadRequest(), default);

        Assert.Equal(expected, download.FileName);
    }

    [Fact]
    public async Task A_download_that_is_not_found_is_the_problem_details()
    {
        _api.WireMock.Given(Request.Create().WithPath(DownloadPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/problem+json").WithBody("""{"title":"Not Found","status":404,"detail":"Attachment ATT-1 was not found."}"""));

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => _api.Client.DownloadAsync(DownloadRequest(), default));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("Attachment ATT-1 was not found.", error.Detail);
    }

    [Fact]
    public async Task A_download_cut_off_mid_body_ends_the_read_with_an_IOException_that_says_how_far_it_got()
    {
        using var server = TestApi.Scripted(_ => Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n" + new string('x', 1000)));
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = TestApi.Token });

        using var download = await client.DownloadAsync(DownloadRequest(), default);
        Assert.Equal(100000, download.Length);
        var error = await Assert.ThrowsAsync<IOException>(() => download.CopyToAsync(Stream.Null));

        Assert.Contains("of 100000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(DownloadPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_that_stalls_ends_the_read_at_the_read_timeout()
    {
        using var server = TestApi.Scripted(async (_, _, stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n" + new string('x', 1000)), stop);
            await stream.FlushAsync(stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = TestApi.Token, ReadTimeout = TimeSpan.FromMilliseconds(400) });
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using var download = await client.DownloadAsync(DownloadRequest(), guard.Token);
        var error = await Assert.ThrowsAsync<IOException>(() => download.CopyToAsync(Stream.Null, guard.Token));

        Assert.Contains("no data arrived for 0.4 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 1000 of 100000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    public async Task A_download_follows_a_redirect_to_another_host_without_the_token(int status)
    {
        _elsewhere.Given(Request.Create().WithPath("/bytes/contract.pdf").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/pdf").WithBody("%PDF-1.7"));
        _api.WireMock.Given(Request.Create().WithPath(DownloadPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Location", _elsewhere.Url + "/bytes/contract.pdf"));

        using var download = await _api.Client.DownloadAsync(DownloadRequest(), default);
        using var reader = new StreamReader(download.Content);

        Assert.Equal("%PDF-1.7", await reader.ReadToEndAsync());
        var there = _elsewhere.LogEntries.Single().RequestMessage!;
        Assert.False(there.Headers!.ContainsKey("Authorization"), "the token went to another host");
        Assert.Equal("application/pdf", there.Headers["Accept"].Single());
    }

    [Fact]
    public async Task An_upload_never_follows_a_redirect_and_a_plain_read_never_follows_one_to_another_host()
    {
        _elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(201).WithBody("{}"));
        _api.WireMock.Given(Request.Create().WithPath(AttachmentsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", _elsewhere.Url + AttachmentsPath));
        using var stream = new MemoryStream(Binary(100));

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() =>
            _api.Client.SendAsync<InstanceAttachmentStandIn, InstanceAttachmentStandIn>(UploadRequest(null, new MarketplaceFile(stream, "a.bin")), default));

        Assert.Equal(307, error.StatusCode);
        Assert.Empty(_elsewhere.LogEntries);
    }

    [Fact]
    public async Task The_token_echoed_in_a_download_header_is_masked()
    {
        _api.WireMock.Given(Request.Create().WithPath(DownloadPath).UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "application/pdf").WithHeader("X-Echo", "Bearer " + TestApi.Token).WithBody("x"));

        using var download = await _api.Client.DownloadAsync(DownloadRequest(), default);

        Assert.DoesNotContain(TestApi.Token, string.Join(" ", download.Headers.SelectMany(h => h.Value)), StringComparison.Ordinal);
    }

    // The seeds have no attachment model; any generated model will do for what the server answers.
    public sealed class InstanceAttachmentStandIn
    {
        [Newtonsoft.Json.JsonProperty("id")]
        public string? Id { get; set; }
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    /// <summary>
    /// A multipart/form-data body read by RFC 2046 §5.1.1 (written here, not with the client's code): parts between
    /// <c>--boundary</c> lines, each its headers, an empty line, and its bytes up to the CRLF before the next delimiter.
    /// </summary>
    private static class Multipart
    {
        public static List<Part> Parse(string contentType, byte[] body)
        {
            var boundary = contentType.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))["boundary=".Length..].Trim('"');
            var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
            var parts = new List<Part>();
            var at = IndexOf(body, delimiter, 0);
            Assert.True(at >= 0, "no opening delimiter");
            while (true)
            {
                at += delimiter.Length;
                if (body[at] == '-' && body[at + 1] == '-') return parts; // the close delimiter
                at += 2; // CRLF after the delimiter
                var next = IndexOf(body, Encoding.ASCII.GetBytes("\r\n--" + boundary), at);
                Assert.True(next >= 0, "a part without a closing delimiter");
                var headerEnd = IndexOf(body, "\r\n\r\n"u8.ToArray(), at);
                var headers = Encoding.UTF8.GetString(body, at, headerEnd - at).Split("\r\n")
                    .Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                parts.Add(new Part(headers, body[(headerEnd + 4)..next]));
                at = next + 2;
            }
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int from)
        {
            for (var i = from; i <= haystack.Length - needle.Length; i++)
            {
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
            }
            return -1;
        }

        public sealed record Part(Dictionary<string, string> Headers, byte[] Body)
        {
            public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
        }
    }
}
