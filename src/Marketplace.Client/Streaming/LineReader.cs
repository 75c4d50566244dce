using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Streaming;

/// <summary>
/// The lines of a streamed body (JSON lines), each at most <see cref="MaxLength"/> characters. <see cref="StreamReader.ReadLine"/>
/// has no limit: a server (or a proxy) that never sends a line break would grow one string until the process runs out
/// of memory. Lines end at <c>\n</c>, <c>\r\n</c> or <c>\r</c>, as <see cref="StreamReader"/> ends them.
/// </summary>
internal sealed class LineReader
{
    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _long = new();
    private int _start;
    private int _end;
    private bool _ended;
    private bool _skipLineFeed;

    public LineReader(TextReader reader, long maxLength)
    {
        _reader = reader;
        MaxLength = maxLength;
    }

    /// <summary>The longest line handed out, in characters (<see cref="MarketplaceClientOptions.MaxResponseBytes"/>: a character is at least a byte).</summary>
    public long MaxLength { get; }

    /// <summary>The next line without its line break; <see langword="null"/> at the end of the body.</summary>
    /// <exception cref="OversizedRecordException">The line is longer than <see cref="MaxLength"/>.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_skipLineFeed && _start < _end)
            {
                if (_buffer[_start] == '\n') _start++;
                _skipLineFeed = false;
            }
            var at = LineBreak(_start, _end);
            var length = at - _start;
            if (_long.Length + length > MaxLength) throw new OversizedRecordException(MaxLength);
            if (at < _end)
            {
                var line = _long.Length == 0 ? new string(_buffer, _start, length) : _long.Append(_buffer, _start, length).ToString();
                _long.Clear();
                _skipLineFeed = _buffer[at] == '\r';
                _start = at + 1;
                return line;
            }
            _long.Append(_buffer, _start, length);
            _start = _end = 0;
            if (_ended)
            {
                if (_long.Length == 0) return null;
                var last = _long.ToString();
                _long.Clear();
                return last;
            }
            var read = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0) _ended = true;
            else _end = read;
        }
    }

    // The first CR or LF from start on, or end when there is none (vectorized where the runtime has spans).
    private int LineBreak(int start, int end)
    {
#if NET5_0_OR_GREATER
        var found = _buffer.AsSpan(start, end - start).IndexOfAny('\n', '\r');
        return found < 0 ? end : start + found;
#else
        var at = start;
        while (at < end && _buffer[at] is not ('\n' or '\r')) at++;
        return at;
#endif
    }

#if NET5_0_OR_GREATER
    private ValueTask<int> ReadAsync(CancellationToken cancellationToken) => _reader.ReadAsync(_buffer.AsMemory(), cancellationToken);
#else
    // No cancellable read here: the caller disposes the response on cancellation, which ends the read.
    private Task<int> ReadAsync(CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        return _reader.ReadAsync(_buffer, 0, _buffer.Length);
    }
#endif
}

/// <summary>A streamed record longer than the client reads (<see cref="MarketplaceClientOptions.MaxResponseBytes"/>).</summary>
internal sealed class OversizedRecordException : IOException
{
    public OversizedRecordException(long maxLength)
        : base($"a record is longer than {maxLength} characters (MaxResponseBytes) or has no line break")
    {
        MaxLength = maxLength;
    }

    public long MaxLength { get; }
}
