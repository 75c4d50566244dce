using System;
using System.Buffers;
using System.IO;
using Newtonsoft.Json;

namespace Marketplace.Client.Serialization;

/// <summary>
/// The reader every response is parsed with. Free-form JSON keeps date-looking strings as sent
/// (<see cref="DateParseHandling.None"/>), while a typed timestamp is parsed straight from the reader's buffer: Newtonsoft
/// asks for one with <see cref="ReadAsDateTimeOffset"/>, and with <c>None</c> in force it would first copy the text into
/// a string and parse that (measured: a quarter more time per page). Here that one read runs with
/// <see cref="DateParseHandling.DateTimeOffset"/>, everything else with <c>None</c>.
/// A number in free-form JSON is read as a <see cref="decimal"/> (<see cref="FloatParseHandling.Decimal"/>), so
/// <c>12345678.123456789012</c> is written back with every digit; a double keeps 15 to 17. A document holding a number
/// no decimal holds (beyond ±7.9e28) is read again with doubles (a page from its buffered body, a streamed record from its
/// line, a text, the test server's stored items): it loses digits, not its data.
/// </summary>
internal sealed class MarketplaceJsonReader : JsonTextReader
{
    public MarketplaceJsonReader(TextReader reader, bool exactNumbers = true)
        : base(reader)
    {
        FloatParseHandling = exactNumbers ? FloatParseHandling.Decimal : FloatParseHandling.Double;
        DateParseHandling = DateParseHandling.None;
        MaxDepth = 64;
        // A stream parses one record per reader: without a pool each would allocate its own character buffer.
        ArrayPool = SharedCharPool.Instance;
    }

    private sealed class SharedCharPool : IArrayPool<char>
    {
        public static readonly SharedCharPool Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null) ArrayPool<char>.Shared.Return(array);
        }
    }

    public override DateTimeOffset? ReadAsDateTimeOffset()
    {
        var before = DateParseHandling;
        DateParseHandling = DateParseHandling.DateTimeOffset;
        try
        {
            return base.ReadAsDateTimeOffset();
        }
        finally
        {
            DateParseHandling = before;
        }
    }

    public override DateTime? ReadAsDateTime()
    {
        var before = DateParseHandling;
        DateParseHandling = DateParseHandling.DateTime;
        try
        {
            return base.ReadAsDateTime();
        }
        finally
        {
            DateParseHandling = before;
        }
    }

    /// <summary>Reads <paramref name="json"/> with <paramref name="serializer"/> through this reader; like
    /// <c>JsonConvert.DeserializeObject</c>, text after the value is an error. Numbers are exact; a text with a number no
    /// decimal holds is read again with doubles.</summary>
    public static T? Deserialize<T>(JsonSerializer serializer, string json)
    {
        serializer.CheckAdditionalContent = true;
        try
        {
            return Deserialize<T>(serializer, json, exact: true);
        }
        catch (JsonReaderException)
        {
            return Deserialize<T>(serializer, json, exact: false);
        }
    }

    /// <summary>
    /// Reads <paramref name="body"/> (UTF-8, left open) with <paramref name="serializer"/> through this reader. Numbers are
    /// exact; a body with a number no decimal holds is read again from the start with doubles when it can seek (a
    /// buffered response body can).
    /// </summary>
    public static T? Deserialize<T>(JsonSerializer serializer, Stream body)
    {
        try
        {
            return Deserialize<T>(serializer, body, exact: true);
        }
        catch (JsonReaderException) when (body.CanSeek)
        {
            body.Position = 0;
            return Deserialize<T>(serializer, body, exact: false);
        }
    }

    private static T? Deserialize<T>(JsonSerializer serializer, string json, bool exact)
    {
        using var reader = new MarketplaceJsonReader(new StringReader(json), exact);
        return serializer.Deserialize<T>(reader);
    }

    private static T? Deserialize<T>(JsonSerializer serializer, Stream body, bool exact)
    {
        using var reader = new MarketplaceJsonReader(new StreamReader(body, System.Text.Encoding.UTF8, true, 1024, leaveOpen: true), exact);
        return serializer.Deserialize<T>(reader);
    }
}
