using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Marketplace.Client.Cli;
using Marketplace.Client.Tests.Contract;
using Spectre.Console;
using Xunit;

namespace Marketplace.Client.Tests.Sample;

/// <summary>README's first command, run in-process.</summary>
public class SampleAppTests
{
    private const string Token = "idt:TKN-1234-5678:do-not-print-me";

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(IDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var exitCode = await SampleApp.RunAsync(args, console, error, name => environment.TryGetValue(name, out var v) ? v : null);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task With_no_arguments_it_lists_the_recorded_instances_and_installations()
    {
        var (exitCode, output, error) = await RunAsync(new Dictionary<string, string>());

        Assert.Equal(SampleApp.Success, exitCode);
        Assert.Equal("", error);
        Assert.Contains("INS-6587-4477-5207-8032", output, StringComparison.Ordinal);
        Assert.Contains("Disconnected", output, StringComparison.Ordinal);
        Assert.Contains("EXI-9262-9354-9841", output, StringComparison.Ordinal);
        Assert.Contains("Contoso Ltd. (ACC-1111-1111)", output, StringComparison.Ordinal);
        Assert.Contains("3 shown of 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_real_server_without_a_token_is_a_usage_error()
    {
        var (exitCode, _, error) = await RunAsync(new Dictionary<string, string>(), "--base-url", "https://api.platform.softwareone.com");

        Assert.Equal(SampleApp.UsageError, exitCode);
        Assert.Equal("error: MPT_API_TOKEN is not set; it must hold the API token for https://api.platform.softwareone.com/.", error.Trim());
    }

    [Fact]
    public async Task A_base_url_that_is_not_http_is_a_usage_error()
    {
        var (exitCode, _, error) = await RunAsync(new Dictionary<string, string>(), "--base-url", "file:///etc/passwd");

        Assert.Equal(SampleApp.UsageError, exitCode);
        Assert.StartsWith("error: --base-url must be an absolute http(s) URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_error_is_one_line_without_the_token()
    {
        using var api = new TestApi.Recorded();
        var environment = new Dictionary<string, string> { [SampleApp.TokenVariable] = Token };

        var (exitCode, _, error) = await RunAsync(environment, "--base-url", api.BaseUri.ToString(), "--extension", "EXT-0000-0000-0000");

        Assert.Equal(SampleApp.ApiFailure, exitCode);
        Assert.Equal("error: the Marketplace API answered HTTP 404 for extension EXT-0000-0000-0000.", error.Trim());
        Assert.DoesNotContain("do-not-print-me", error, StringComparison.Ordinal);
    }
}
