using System;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>
/// Every path parameter of every generated operation (found by reflection, so a new operation is covered without a
/// new test) refuses values that would move the request to another endpoint, before anything is sent.
/// </summary>
public sealed class PathParameterTests : IDisposable
{
    private readonly TestApi _api = new();

    [Fact]
    public async Task A_dot_segment_or_empty_id_is_refused_naming_the_parameter_by_every_operation()
    {
        using var client = _api.CreateClient();
        var methods = typeof(IMarketplaceClient).GetMethods().Where(m => m.GetParameters().Any(IsPathParameter)).ToList();
        Assert.Contains(methods, m => m.Name == "ListAllInstallationsAsync");
        Assert.True(methods.Count >= 6, "expected the page, RQL and ListAll methods of both operations");

        foreach (var method in methods)
        {
            foreach (var hostile in new[] { "..", ".", "", " ", "\t" })
            {
                var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
                {
                    try
                    {
                        var result = method.Invoke(client, method.GetParameters().Select(p => IsPathParameter(p) ? hostile : Default(p)).ToArray());
                        if (result is Task task) await task;
                    }
                    catch (TargetInvocationException ex) when (ex.InnerException is not null)
                    {
                        throw ex.InnerException;
                    }
                });
                Assert.True(method.GetParameters().First(IsPathParameter).Name == error.ParamName, $"{Describe(method)} with '{hostile}': ParamName {error.ParamName}");
            }
        }

        Assert.Empty(_api.WireMock.LogEntries);
    }

    [Fact]
    public async Task An_ordinary_id_with_characters_that_need_escaping_stays_one_segment()
    {
        _api.WireMock.Given(WireMock.RequestBuilders.Request.Create().UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("""{"$meta":{"pagination":{"offset":0,"limit":100,"total":0}},"data":[]}"""));
        using var client = _api.CreateClient();

        var page = await client.ListExtensionInstancesAsync("a/../b");

        Assert.Empty(page.Data!);
        Assert.EndsWith("/public/v1/integration/extensions/a%2F..%2Fb/instances", _api.WireMock.LogEntries.Single().RequestMessage!.AbsoluteUrl, StringComparison.Ordinal);
    }

    private static bool IsPathParameter(ParameterInfo parameter) => parameter.ParameterType == typeof(string) && !parameter.HasDefaultValue;

    private static object? Default(ParameterInfo parameter) =>
        parameter.HasDefaultValue ? parameter.DefaultValue is DBNull ? null : parameter.DefaultValue
        : parameter.ParameterType == typeof(CancellationToken) ? CancellationToken.None : null;

    private static string Describe(MethodInfo method) =>
        $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name + " " + p.Name))})";

    public void Dispose() => _api.Dispose();
}
