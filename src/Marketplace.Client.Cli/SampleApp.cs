using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Cli.Recording;
using Spectre.Console;

namespace Marketplace.Client.Cli;

/// <summary>
/// The sample: lists the instances and the installations of one extension as tables.
/// Without <c>--base-url</c> it serves the recorded responses from an embedded WireMock server,
/// so it runs on a fresh clone with no account; with it, it calls that server with the token in
/// <c>MPT_API_TOKEN</c>.
/// </summary>
public static class SampleApp
{
    /// <summary>Exit code: the listing was printed.</summary>
    public const int Success = 0;

    /// <summary>Exit code: the API or the network failed.</summary>
    public const int ApiFailure = 1;

    /// <summary>Exit code: the command line or the environment is wrong (e.g. no token).</summary>
    public const int UsageError = 2;

    /// <summary>The environment variable the token is read from, as in the official Python client.</summary>
    public const string TokenVariable = "MPT_API_TOKEN";

    /// <summary>The extension the recordings were made for.</summary>
    public const string RecordedExtensionId = "EXT-6822-9898-4256";

    /// <summary>Parses <paramref name="args"/> and runs the sample.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where tables go.</param>
    /// <param name="error">Where the one-line error goes.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable (replaceable in tests).</param>
    /// <returns>The process exit code.</returns>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter error, Func<string, string?> getEnvironmentVariable)
    {
        var baseUrl = BaseUrlOption($"A Marketplace API to call instead of the embedded recordings, e.g. https://api.platform.softwareone.com (token from {TokenVariable}).");
        var extension = new Option<string>("--extension")
        {
            Description = "The extension whose instances and installations are listed.",
            DefaultValueFactory = _ => RecordedExtensionId,
        };
        var root = new RootCommand("Lists the instances and installations of a Marketplace extension.") { baseUrl, extension };
        root.SetAction((parse, cancellationToken) =>
            ListAsync(parse.GetValue(baseUrl), parse.GetValue(extension)!, console, error, getEnvironmentVariable, cancellationToken));
        root.Subcommands.Add(RecordCommand(console, error, getEnvironmentVariable));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"error: {parsed.Errors[0].Message}");
            return Task.FromResult(UsageError);
        }
        return parsed.InvokeAsync(new InvocationConfiguration { Error = error }, CancellationToken.None);
    }

    private static Option<Uri?> BaseUrlOption(string description) => new("--base-url")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                return uri;
            result.AddError($"--base-url must be an absolute http(s) URL, not '{text}'.");
            return null;
        },
    };

    private static Command RecordCommand(IAnsiConsole console, TextWriter error, Func<string, string?> getEnvironmentVariable)
    {
        var baseUrl = BaseUrlOption("The Marketplace API to record (default: https://api.platform.softwareone.com).");
        var extension = new Option<string>("--extension") { Description = "The extension whose instances and installations are recorded.", Required = true };
        var output = new Option<string>("--out") { Description = "The folder to write to; it gets one folder per operation (e.g. tests/Marketplace.Client.Tests/Recordings/<name>).", Required = true };
        var pageSize = new Option<int>("--page-size") { Description = "Items per page (1 to 100).", DefaultValueFactory = _ => MarketplaceClientOptions.MaxPageSize };
        var redact = new Option<string[]>("--redact") { Description = "A JSONPath whose values are replaced by \"redacted\", beyond the built-in sanitizers (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("record", $"Records the two list operations of a real API (token from {TokenVariable}) into sanitized WireMock mapping files.")
        {
            baseUrl, extension, output, pageSize, redact,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var token = getEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(token))
            {
                error.WriteLine($"error: {TokenVariable} is not set; it must hold the API token for {parse.GetValue(baseUrl)}.");
                return UsageError;
            }
            var salt = getEnvironmentVariable("MPT_RECORDING_SALT") is { Length: > 0 } custom ? custom : Sanitizer.DefaultSalt;
            var recorder = new SessionRecorder(new Sanitizer(salt, parse.GetValue(redact)), line => console.WriteLine(line));
            try
            {
                await recorder.RecordAsync(parse.GetValue(baseUrl) ?? MarketplaceClientOptions.DefaultBaseUri, token!, parse.GetValue(extension)!, parse.GetValue(pageSize), parse.GetValue(output)!, cancellationToken).ConfigureAwait(false);
                return Success;
            }
            catch (Exception ex) when (ex is MarketplaceApiException or HttpRequestException or InvalidOperationException or ArgumentException or IOException or TimeoutException)
            {
                error.WriteLine($"error: {ex.Message}");
                return ex is MarketplaceApiException or HttpRequestException or TimeoutException ? ApiFailure : UsageError;
            }
        });
        return command;
    }

    private static async Task<int> ListAsync(
        Uri? baseUrl,
        string extensionId,
        IAnsiConsole console,
        TextWriter error,
        Func<string, string?> getEnvironmentVariable,
        CancellationToken cancellationToken)
    {
        string token;
        RecordingServer? recordings = null;
        if (baseUrl is null)
        {
            recordings = RecordingServer.Start(RecordingServer.DefaultRecordingsDirectory);
            baseUrl = recordings.BaseUri;
            token = "idt:TKN-0000-0000:recordings-need-no-secret";
            console.MarkupLine($"[grey]Serving recorded responses at {Markup.Escape(baseUrl.ToString())} (pass --base-url to call a real API).[/]");
        }
        else
        {
            var fromEnvironment = getEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(fromEnvironment))
            {
                error.WriteLine($"error: {TokenVariable} is not set; it must hold the API token for {baseUrl}.");
                return UsageError;
            }
            token = fromEnvironment!;
        }

        try
        {
            using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = baseUrl, Token = token });

            var instances = await ListAsync(client.ListAllExtensionInstancesAsync(extensionId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var installations = await ListAsync(client.ListAllInstallationsAsync(extensionId, cancellationToken: cancellationToken)).ConfigureAwait(false);

            console.Write(InstancesTable(extensionId, instances));
            console.Write(InstallationsTable(extensionId, installations));
            return Success;
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return UsageError;
        }
        catch (MarketplaceApiException ex)
        {
            error.WriteLine($"error: the Marketplace API answered HTTP {ex.StatusCode} for extension {extensionId}.");
            return ApiFailure;
        }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"error: could not reach {baseUrl}: {ex.Message}");
            return ApiFailure;
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error.WriteLine($"error: {baseUrl} did not answer in time.");
            return ApiFailure;
        }
        finally
        {
            recordings?.Dispose();
        }
    }

    // Every page, kept with the total the first page reported (the table's caption shows it).
    private static async Task<(List<T> Items, int? Total)> ListAsync<T>(MarketplacePageable<T> pageable)
    {
        var items = new List<T>();
        int? total = null;
        await foreach (var page in pageable.AsPages().ConfigureAwait(false))
        {
            total ??= page.Total;
            items.AddRange(page.Items);
        }
        return (items, total);
    }

    private static Table InstancesTable(string extensionId, (List<Instance> Items, int? Total) instances)
    {
        var table = NewTable($"Instances of {extensionId}", "Name", "Status", "Version", "Updated");
        foreach (var instance in instances.Items)
        {
            table.AddRow(
                Cell(instance.Id),
                Cell(instance.Name),
                Cell(instance.Status?.ToString()),
                Cell(instance.Meta?.Version),
                Cell(FormatTime(instance.Audit?.Updated?.At ?? instance.Audit?.Created?.At)));
        }
        table.Caption(Caption(instances.Items.Count, instances.Total));
        return table;
    }

    private static Table InstallationsTable(string extensionId, (List<Installation> Items, int? Total) installations)
    {
        var table = NewTable($"Installations of {extensionId}", "Account", "Status", "Modules", "Updated");
        foreach (var installation in installations.Items)
        {
            table.AddRow(
                Cell(installation.Id),
                Cell(installation.Account is { } account ? $"{account.Name} ({account.Id})" : null),
                Cell(installation.Status?.ToString()),
                Cell(installation.Modules is { Count: > 0 } modules ? string.Join(", ", modules.Select(m => m.Name)) : null),
                Cell(FormatTime(installation.Audit?.Updated?.At ?? installation.Audit?.Created?.At)));
        }
        table.Caption(Caption(installations.Items.Count, installations.Total));
        return table;
    }

    // The ID column never wraps: an ID split over lines cannot be copied.
    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table().Border(TableBorder.Minimal).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("ID").NoWrap());
        table.AddColumns(columns);
        return table;
    }

    // Cells are plain text: a value from the server is never interpreted as Spectre markup.
    private static Text Cell(string? value) => new(string.IsNullOrEmpty(value) ? "-" : value!);

    private static string Caption(int shown, int? total) =>
        total is { } t ? $"{shown} shown of {t}" : $"{shown} shown";

    private static string? FormatTime(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

}
