namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Link addresses the SDKs use: <c>q</c>, <c>t</c>, <c>t/Subscriptions/s</c>,
/// <c>&lt;entity&gt;/$DeadLetterQueue</c>, <c>&lt;entity&gt;/$management</c>, <c>$cbs</c>. The .NET SDK
/// prefixes a '/' and URI-escapes; some clients send an absolute URI. Entity names compare
/// case-insensitively in the core.
/// </summary>
internal static class EntityAddress
{
    public const string Cbs = "$cbs";
    public const string ManagementSuffix = "/$management";

    /// <summary>The path part of an address: scheme and host removed, URI-decoded, without leading or trailing '/'.</summary>
    public static string Normalize(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "";
        }
        string path = address;
        int scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            int slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "" : path[slash..];
        }
        path = Uri.UnescapeDataString(path);
        return path.Trim('/');
    }

    public static bool IsCbs(string path) => string.Equals(path, Cbs, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for <c>&lt;entity&gt;/$management</c>; gives the entity path.</summary>
    public static bool IsManagement(string path, out string entityPath)
    {
        if (path.EndsWith(ManagementSuffix, StringComparison.OrdinalIgnoreCase))
        {
            entityPath = path[..^ManagementSuffix.Length];
            return true;
        }
        if (string.Equals(path, "$management", StringComparison.OrdinalIgnoreCase))
        {
            entityPath = "";
            return true;
        }
        entityPath = path;
        return false;
    }

    /// <summary>A key for an entity path that ignores case (session locks are looked up by it).</summary>
    public static string Key(string entityPath) => entityPath.ToUpperInvariant();
}
