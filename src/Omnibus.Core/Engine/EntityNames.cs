using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Omnibus.Core.Engine;

/// <summary>Entity path conventions (Service Bus addressing) and the mapping of names to directories. Names are case-sensitive (ordinal).</summary>
public static class EntityNames
{
    /// <summary>The dead-letter sub-queue suffix.</summary>
    public const string DeadLetterSuffix = "$DeadLetterQueue";

    /// <summary>The segment between a topic and a subscription name.</summary>
    public const string SubscriptionsSegment = "Subscriptions";

    /// <summary>Subscription path <c>topic/Subscriptions/sub</c>.</summary>
    public static string SubscriptionPath(string topic, string subscription) => $"{topic}/{SubscriptionsSegment}/{subscription}";

    /// <summary>Dead-letter path of an entity.</summary>
    public static string DeadLetterPath(string entityPath) => $"{entityPath}/{DeadLetterSuffix}";


    /// <summary>Checks a queue, topic, subscription or rule name; throws <see cref="MessagingException"/> (InvalidArgument).</summary>
    internal static void Validate(string name, string what, bool allowSlash)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 260)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} name must be 1 to 260 characters.");
        }
        foreach (char c in name)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '$' || (allowSlash && c == '/');
            if (!ok)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} name '{name}' contains '{c}'; allowed are letters, digits, '.', '-', '_'{(allowSlash ? " and '/'" : "")}.");
            }
        }
        if (allowSlash && name.Split('/').Any(segment => segment is "." or ".."))
        {
            // A path segment that names the current or parent directory: Service Bus refuses these, and they would read as relative paths.
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} name '{name}' has a '.' or '..' segment.");
        }
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal)
            || name.Contains("$DeadLetterQueue", StringComparison.OrdinalIgnoreCase) || name.StartsWith('$') && what != "rule")
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} name '{name}' is reserved or malformed.");
        }
    }

    /// <summary>
    /// The directory name an entity gets by default: a readable part plus a hash of the case-folded
    /// name, so names that differ only in replaced characters stay apart. (Catalogs written before
    /// names became case-sensitive store no directory names; this is how they are found.)
    /// </summary>
    internal static string DirectoryName(string name) => $"{Readable(name)}-{Hash(name.ToLowerInvariant())}";

    /// <summary>
    /// The directory name for an entity whose default one is taken by a name differing only in case
    /// (names are case-sensitive: <c>Orders</c> and <c>orders</c> are two queues): the hash of the exact name.
    /// </summary>
    internal static string CaseDistinctDirectoryName(string name) => $"{Readable(name)}-{Hash(name)}-cs";

    private static string Readable(string name)
    {
        var readable = new StringBuilder();
        foreach (char c in name.ToLowerInvariant())
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
            if (readable.Length >= 40)
            {
                break;
            }
        }
        return readable.ToString();
    }

    private static string Hash(string text) => XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(text)).ToString("x8", CultureInfo.InvariantCulture);
}
