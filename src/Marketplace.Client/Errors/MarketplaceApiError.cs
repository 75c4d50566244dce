namespace Marketplace.Client;

/// <summary>One entry of a problem-details <c>errors</c> member, whichever of its two shapes the server used.</summary>
public sealed class MarketplaceApiError
{
    /// <summary>Creates an entry.</summary>
    /// <param name="field">The field the message is about, or <see langword="null"/> when it is about the whole request.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="code">The error's identifier when the server gave one (the array shape's <c>id</c>).</param>
    public MarketplaceApiError(string? field, string message, string? code = null)
    {
        Field = field;
        Message = message;
        Code = code;
    }

    /// <summary>The field the message is about (e.g. <c>externalId</c>), or <see langword="null"/>.</summary>
    public string? Field { get; }

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <summary>The error's identifier when the server gave one, else <see langword="null"/>.</summary>
    public string? Code { get; }

    /// <summary><c>field: message</c>, or the message alone.</summary>
    public override string ToString() => Field is null ? Message : Field + ": " + Message;
}
