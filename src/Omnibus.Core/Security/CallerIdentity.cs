namespace Omnibus.Core.Security;

/// <summary>
/// Who asks the core for something: the principal a front-end authenticated (a shared access key
/// name, a user, an access key id) and how. Every front-end passes one into the core's calls; the
/// <see cref="IAuthorizationHook"/> decides what it may do.
/// </summary>
/// <param name="Name">The principal's name in the identity store (e.g. <c>RootManageSharedAccessKey</c>, <c>guest</c>).</param>
/// <param name="Mechanism">How it was authenticated (e.g. <c>sas</c>, <c>sasl-plain</c>, <c>sigv4</c>, <c>none</c>).</param>
public sealed record CallerIdentity(string Name, string Mechanism)
{
    /// <summary>The broker itself (recovery, sweeps, the entities file, the CLI on the same machine).</summary>
    public static CallerIdentity Broker { get; } = new("$broker", "internal");

    /// <summary>A caller that presented no credentials (allowed only where a front-end allows that).</summary>
    public static CallerIdentity Anonymous { get; } = new("$anonymous", "none");
}
