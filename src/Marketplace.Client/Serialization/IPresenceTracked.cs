namespace Marketplace.Client.Serialization;

/// <summary>
/// Implemented by every generated model (build/Templates/Class.liquid): tells whether a property was set, by
/// deserialization or by the caller. Lets <see cref="PresenceContractResolver"/> write a property the server sent
/// as <c>null</c> as <c>null</c>, and leave out one it never sent.
/// </summary>
internal interface IPresenceTracked
{
    /// <summary>Whether the property with this JSON name was set.</summary>
    bool WasSet(string jsonName);
}
