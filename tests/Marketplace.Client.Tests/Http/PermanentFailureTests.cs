using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>Failures that would repeat identically are not retried, and say what to change.</summary>
public sealed class PermanentFailureTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_body_over_the_limit_is_fetched_once_and_says_which_limit_and_how_to_raise_it()
    {
        var big = """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"INS-1","name":""" + "\"" + new string('x', 5000) + "\"}]}";
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(big));
        using var client = _api.CreateClient(o => o.MaxResponseBytes = 1000);

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
        Assert.Contains("MaxResponseBytes (1000 bytes)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Raise MarketplaceClientOptions.MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_is_not_retried_either()
    {
        var chunk = new string('x', 800);
        using var server = TestApi.Scripted(_ => Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
            $"{chunk.Length:X}\r\n{chunk}\r\n{chunk.Length:X}\r\n{chunk}\r\n0\r\n\r\n"));
        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = server.BaseUri,
            Token = TestApi.Token,
            MaxResponseBytes = 1000,
            Retry = { BaseDelay = TimeSpan.FromMilliseconds(10) },
        });

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(1, server.Connections);
        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Permanent_failures_are_told_apart_from_transient_ones()
    {
        // (Classified here, not provoked: a name lookup would leave this machine.)
        Assert.True(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException(HttpRequestError.NameResolutionError, "dns")));
        Assert.True(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException(HttpRequestError.SecureConnectionError, "tls")));
        Assert.False(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        Assert.True(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException("tls", new System.Security.Authentication.AuthenticationException("certificate"))));
        Assert.True(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException("dns", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound))));
        Assert.False(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException("reset", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset))));
        Assert.False(Marketplace.Client.Http.RetryHandler.IsPermanent(new HttpRequestException("ended", new System.IO.IOException("The response ended prematurely."))));
    }
}
