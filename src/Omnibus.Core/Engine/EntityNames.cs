using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Omnibus.Core.Engine;

/// <summary>The core's rule for entity names, the receivable path conventions, and the mapping of names to directories. Names are case-sensitive (ordinal).</summary>
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

    /// <summary>The longest queue, topic, subscription or rule name the core holds, in UTF-8 bytes: room for every protocol's own limit (Service Bus 260 characters, RabbitMQ 255 bytes, Kafka 249, SQS 80).</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>
    /// The core's rule for a queue, topic, subscription or rule name, the same for every protocol (each
    /// front-end checks its own protocol's rules first): 1 to <see cref="MaxNameBytes"/> bytes of valid
    /// UTF-8, no control character (U+0000–U+001F, U+007F), no empty <c>/</c>-separated segment and no
    /// <c>.</c> or <c>..</c> segment, so that a name read as a path can neither leave its place nor alias
    /// another, and no segment that would make a receivable path (<see cref="SubscriptionPath"/>,
    /// <see cref="DeadLetterPath"/>) read as another entity's. Throws <see cref="MessagingException"/> (InvalidArgument) naming the rule broken.
    /// </summary>
    internal static void Validate(string name, EntityNameKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        string what = kind.ToString().ToLowerInvariant();
        if (name.Length == 0)
        {
            throw Invalid($"The {what} name must not be empty.");
        }
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c <= '\u001f' || c == '\u007f')
            {
                // The name is not echoed: it holds a character that logs and XML answers cannot carry.
                throw Invalid($"The {what} name contains the control character U+{(int)c:X4} at position {i}; control characters (U+0000 to U+001F, U+007F) are not allowed.");
            }
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw Invalid($"The {what} name is not valid Unicode: a lone surrogate U+{(int)c:X4} at position {i}.");
            }
        }
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxNameBytes)
        {
            throw Invalid($"The {what} name is {bytes} bytes in UTF-8; at most {MaxNameBytes} are allowed.");
        }
        string[] segments = name.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment.Length == 0)
            {
                throw Invalid($"The {what} name '{name}' has an empty path segment (a '/' at its start or end, or '//').");
            }
            if (segment is "." or "..")
            {
                throw Invalid($"The {what} name '{name}' has a '{segment}' path segment, which would read as a relative path.");
            }
            // Receivables are addressed, and stored in the transaction log, as 'topic/Subscriptions/sub' and
            // '<path>/$DeadLetterQueue' (parsed ignoring case): names holding these segments would read as another entity.
            if (kind != EntityNameKind.Rule && segment.Equals(DeadLetterSuffix, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid($"The {what} name '{name}' has a '{DeadLetterSuffix}' segment, which names a dead-letter queue.");
            }
            if (kind is EntityNameKind.Queue or EntityNameKind.Topic && i > 0 && segment.Equals(SubscriptionsSegment, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid($"The {what} name '{name}' has a '{SubscriptionsSegment}' segment after its first, which reads as a subscription path.");
            }
        }
    }

    private static MessagingException Invalid(string message) => new(MessagingErrorCode.InvalidArgument, message);

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

/// <summary>What a name names, for <see cref="EntityNames.Validate"/>'s reserved segments and messages.</summary>
internal enum EntityNameKind
{
    Queue,
    Topic,
    Subscription,
    Rule,
}
