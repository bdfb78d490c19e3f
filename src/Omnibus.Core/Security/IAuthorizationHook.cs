namespace Omnibus.Core.Security;

/// <summary>
/// The one place access is decided, for every protocol: the core asks it before each operation on
/// an entity. It throws <see cref="MessagingException"/> with <see cref="MessagingErrorCode.Unauthorized"/>
/// to refuse; front-ends turn that into their protocol's error. The default allows everything an
/// authenticated front-end lets through (per-entity rights are the security issue's to fill in).
/// </summary>
public interface IAuthorizationHook
{
    /// <summary>Throws when <paramref name="caller"/> may not use <paramref name="right"/> on <paramref name="entityPath"/>.</summary>
    void Authorize(CallerIdentity caller, EntityRight right, string entityPath);
}

/// <summary>Allows every operation (authentication alone gates access).</summary>
public sealed class AllowAllAuthorization : IAuthorizationHook
{
    public static AllowAllAuthorization Instance { get; } = new();

    public void Authorize(CallerIdentity caller, EntityRight right, string entityPath)
    {
    }
}
