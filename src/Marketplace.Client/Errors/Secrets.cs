using System.Text.RegularExpressions;

namespace Marketplace.Client;

/// <summary>
/// Removes credentials from text the client shows (exception messages, body excerpts, log lines):
/// a server or proxy that echoes the request must not leak the caller's token.
/// </summary>
internal static class Secrets
{
    private static readonly Regex Credentials = new(
        @"idt:TKN-[0-9A-Za-z-]+:[^\s""'<>,;]+" +            // API tokens: idt:TKN-1234-5678:<secret>
        @"|eyJ[0-9A-Za-z_-]{4,}\.[0-9A-Za-z_-]{4,}\.[0-9A-Za-z_-]*" + // JWTs (extension and installation tokens)
        @"|(?<=Bearer\s+)[^\s""'<>,;]+",                      // whatever follows "Bearer"
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        System.TimeSpan.FromSeconds(1));

    /// <summary>The text with every credential replaced by <c>***</c>.</summary>
    public static string Redact(string text) => Credentials.Replace(text, "***");
}
