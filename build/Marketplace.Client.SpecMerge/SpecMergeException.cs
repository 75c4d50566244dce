using System;

namespace Marketplace.Client.SpecMerge;

/// <summary>
/// A reason the spec cannot be built: two fragments disagree, or an overlay action is stale.
/// The message is what the build prints, so it names every file and component involved.
/// </summary>
public sealed class SpecMergeException : Exception
{
    /// <summary>Creates the exception with the message the build shows.</summary>
    /// <param name="message">What is wrong, naming the component or action and the files.</param>
    public SpecMergeException(string message) : base(message) { }
}
