using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>
/// Cancellation as the caller sees it: an <see cref="OperationCanceledException"/> carries the caller's own token, the
/// one that was cancelled, never a token the client linked from it (a method's token with an enumeration's, a read's
/// with its read timeout, an enumeration's with its prefetching). Code that tells its own cancellation from a timeout
/// by comparing tokens depends on it.
/// </summary>
internal static class CallerCancellation
{
    /// <summary>
    /// <paramref name="exception"/> again, carrying whichever of the caller's tokens was cancelled
    /// (<paramref name="first"/> before <paramref name="second"/>); itself when it carries one of them already.
    /// </summary>
    public static OperationCanceledException For(OperationCanceledException exception, CancellationToken first, CancellationToken second = default)
    {
        var token = first.IsCancellationRequested ? first : second;
        return exception.CancellationToken == token ? exception : new OperationCanceledException(exception.Message, exception, token);
    }

    /// <summary>Whether one of the caller's tokens was cancelled: an <see cref="OperationCanceledException"/> then is theirs.</summary>
    public static bool IsRequested(CancellationToken first, CancellationToken second = default) =>
        first.IsCancellationRequested || second.IsCancellationRequested;

    /// <summary>
    /// <paramref name="source"/> enumerated with both <paramref name="methodToken"/> (given to the method that made it)
    /// and the enumeration's token. With one of them only, the source gets that token and nothing is added; with both,
    /// the source gets a token linked from them, and its cancellation comes out carrying the caller's token.
    /// </summary>
    public static IAsyncEnumerable<T> Enumerate<T>(IAsyncEnumerable<T> source, CancellationToken methodToken) => new Linked<T>(source, methodToken);

    private sealed class Linked<T> : IAsyncEnumerable<T>
    {
        private readonly IAsyncEnumerable<T> _source;
        private readonly CancellationToken _methodToken;

        public Linked(IAsyncEnumerable<T> source, CancellationToken methodToken)
        {
            _source = source;
            _methodToken = methodToken;
        }

        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            if (!cancellationToken.CanBeCanceled || cancellationToken == _methodToken) return _source.GetAsyncEnumerator(_methodToken);
            if (!_methodToken.CanBeCanceled) return _source.GetAsyncEnumerator(cancellationToken);
            return new Enumerator<T>(_source, _methodToken, cancellationToken);
        }
    }

    private sealed class Enumerator<T> : IAsyncEnumerator<T>
    {
        private readonly CancellationTokenSource _linked;
        private readonly IAsyncEnumerator<T> _inner;
        private readonly CancellationToken _enumerationToken;
        private readonly CancellationToken _methodToken;

        public Enumerator(IAsyncEnumerable<T> source, CancellationToken methodToken, CancellationToken enumerationToken)
        {
            _methodToken = methodToken;
            _enumerationToken = enumerationToken;
            _linked = CancellationTokenSource.CreateLinkedTokenSource(methodToken, enumerationToken);
            _inner = source.GetAsyncEnumerator(_linked.Token);
        }

        public T Current => _inner.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            try
            {
                return await _inner.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (IsRequested(_enumerationToken, _methodToken))
            {
                throw For(ex, _enumerationToken, _methodToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _linked.Dispose();
            }
        }
    }
}
