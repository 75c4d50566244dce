using System;
using System.IO;

namespace Marketplace.Client.Http;

/// <summary>
/// What every body the client hands out as a stream shares: read forward only, never seek or write. A body sets its own
/// reads (and, if it knows them, <see cref="Stream.Length"/> and <see cref="Stream.Position"/>).
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
