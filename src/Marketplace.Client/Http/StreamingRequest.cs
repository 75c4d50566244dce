using System.Net.Http;

namespace Marketplace.Client.Http;

/// <summary>
/// Marks a request whose response body is a stream to read as it arrives: the pipeline must not load it into memory
/// within the attempt (a stream can be gigabytes and minutes long), and its retries end when the headers arrive.
/// </summary>
internal static class StreamingRequest
{
    private const string Key = "Marketplace.Client.Streaming";

#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<bool> OptionKey = new(Key);

    public static void Mark(HttpRequestMessage request) => request.Options.Set(OptionKey, true);

    public static bool IsStreaming(HttpRequestMessage request) => request.Options.TryGetValue(OptionKey, out var streaming) && streaming;
#else
    public static void Mark(HttpRequestMessage request) => request.Properties[Key] = true;

    public static bool IsStreaming(HttpRequestMessage request) => request.Properties.TryGetValue(Key, out var streaming) && streaming is true;
#endif
}
