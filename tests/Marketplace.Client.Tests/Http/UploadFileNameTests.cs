using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>
/// An upload's file name as a real ASP.NET Core server reads it (<c>IFormFile.FileName</c> from
/// <c>Request.ReadFormAsync</c>), not a header prefix (issue 36, item 4). The name is written as browsers write it
/// (HTML's multipart/form-data encoding: <c>"</c> as <c>%22</c>, CR and LF as <c>%0D</c> and <c>%0A</c>, nothing else
/// escaped) and without <c>filename*</c>, which RFC 7578 §4.2 says not to use in form data.
/// </summary>
public sealed class UploadFileNameTests : IAsyncLifetime
{
    private static readonly OperationInfo Upload = new("CreateInstanceAttachment", "public/v1/integration/instances/{instanceId}/attachments");
    private WebApplication? _server;
    private Uri? _baseUri;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        // What an ASP.NET Core endpoint sees: the form's file names and the raw Content-Disposition of each file part.
        _server.MapPost("/public/v1/integration/instances/INS-1/attachments", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var file = form.Files.Single();
            return Results.Json(new { id = "ATT-1", name = file.FileName, disposition = file.ContentDisposition, length = file.Length, type = file.ContentType });
        });
        await _server.StartAsync();
        _baseUri = new Uri(_server.Urls.First() + "/");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    private async Task<Received> SendAsync(string fileName)
    {
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = _baseUri!, Token = TestApi.Token });
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("file body"));
        var request = new MarketplaceRequest(Upload, HttpMethod.Post, "public/v1/integration/instances/INS-1/attachments")
            .WithMultipartBody(("attachment", new Instance { Name = "x" }), ("file", new MarketplaceFile(content, fileName, "text/plain")));
        return await client.SendAsync<Received, Received>(request, default);
    }

    [Theory]
    [InlineData("shot.png", "shot.png")]
    [InlineData("back\\slash.png", "back\\slash.png")]
    [InlineData("report \"Q1\".pdf", "report %22Q1%22.pdf")]
    [InlineData("two\r\nlines.txt", "two%0D%0Alines.txt")]
    [InlineData("a.pdf\r\nContent-Type: text/html", "a.pdf%0D%0AContent-Type: text/html")]
    [InlineData("Übersicht 2026.txt", "Übersicht 2026.txt")]
    [InlineData("résumé;名前.txt", "résumé;名前.txt")]
    [InlineData("100%.txt", "100%.txt")]
    public async Task An_aspnetcore_server_reads_the_name_as_a_browser_would_have_sent_it(string fileName, string read)
    {
        var received = await SendAsync(fileName);

        Assert.Equal(read, received.Name);
        Assert.Equal(9, received.Length);
        Assert.Equal("text/plain", received.Type);
        Assert.DoesNotContain("filename*", received.Disposition, StringComparison.OrdinalIgnoreCase);
    }

    public sealed class Received
    {
        [Newtonsoft.Json.JsonProperty("id")]
        public string? Id { get; set; }

        [Newtonsoft.Json.JsonProperty("name")]
        public string? Name { get; set; }

        [Newtonsoft.Json.JsonProperty("disposition")]
        public string Disposition { get; set; } = "";

        [Newtonsoft.Json.JsonProperty("type")]
        public string? Type { get; set; }

        [Newtonsoft.Json.JsonProperty("length")]
        public long Length { get; set; }
    }
}
