using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;

namespace Marketplace.Client.Http;

/// <summary>
/// The one reading of a <c>Retry-After</c> header, for the retry handler (how long to wait, or whether to give up at
/// once) and for <see cref="MarketplaceApiException.RetryAfter"/> alike, so the wait the client obeys is the wait it
/// reports. The runtime's typed header is not used: it holds only an <see cref="int"/> of seconds, so a larger value
/// (<c>4000000000</c>) would read as no header at all and be retried with back-off instead of given up on.
/// </summary>
/// <remarks>
/// RFC 9110 §10.2.3: delay-seconds (<c>1*DIGIT</c>, any length: a wait past <see cref="Longest"/> is read as
/// <see cref="Longest"/>) or an HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must
/// accept; a date already past is no wait). A decimal number of seconds (<c>1.5</c>), which some servers send, is
/// waited in full. Anything else (<c>-5</c>, <c>soon</c>) is no <c>Retry-After</c>: a read is then retried with
/// back-off, as if the header were absent.
/// </remarks>
internal static class RetryAfter
{
    /// <summary>The longest wait read from a header (about 68 years): longer than any cap, and safe to add to a date.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromTicks(int.MaxValue * TimeSpan.TicksPerSecond);

    private static readonly string[] DateFormats =
    {
        "r",                                                   // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",              // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        "ddd MMM d HH':'mm':'ss yyyy",                         // asctime: Sun Nov  6 08:49:37 1994
    };

    /// <summary>The wait <paramref name="response"/> asks for, counted from <paramref name="time"/>'s now; <see langword="null"/> when it asks none.</summary>
    public static TimeSpan? Of(HttpResponseMessage? response, TimeProvider time) =>
        response is not null && response.Headers.TryGetValues("Retry-After", out var values) ? Parse(values.FirstOrDefault(), time.GetUtcNow()) : null;

    /// <summary>The wait <paramref name="value"/> asks for at <paramref name="now"/>; <see langword="null"/> when it is not one.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (value is null) return null;
        var text = value.Trim();
        if (text.Length == 0) return null;
        if (text.All(c => c is >= '0' and <= '9'))
        {
            var digits = text.TrimStart('0');
            return digits.Length > 10 || (digits.Length > 0 && long.Parse(digits, CultureInfo.InvariantCulture) > int.MaxValue)
                ? Longest
                : TimeSpan.FromTicks((digits.Length == 0 ? 0 : long.Parse(digits, CultureInfo.InvariantCulture)) * TimeSpan.TicksPerSecond);
        }
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            return seconds >= int.MaxValue ? Longest : TimeSpan.FromTicks((long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond));
        if (DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Longest ? Longest : wait;
        }
        return null;
    }
}
