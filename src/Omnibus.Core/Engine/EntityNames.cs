using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Omnibus.Core.Engine;

/// <summary>Entity path conventions (Service Bus addressing) and the mapping of names to directories.</summary>
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

    /// <summary>Lookup key: names are case-insensitive.</summary>
    internal static string Key(string name) => name.ToLowerInvariant();

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
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal)
            || name.Contains("$DeadLetterQueue", StringComparison.OrdinalIgnoreCase) || name.StartsWith('$') && what != "rule")
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} name '{name}' is reserved or malformed.");
        }
    }

    /// <summary>A directory name for an entity: readable part plus a hash of the case-folded name, so names that differ only in characters that were replaced stay distinct.</summary>
    internal static string DirectoryName(string name)
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
        uint hash = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(Key(name)));
        return $"{readable}-{hash.ToString("x8", CultureInfo.InvariantCulture)}";
    }
}
