using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Security;

namespace Omnibus.ServiceBus;

/// <summary>
/// Service Bus names: the rules Service Bus applies to the names of what a client creates, and their
/// resolution. The core's rule is protocol-neutral (<c>EntityNames.Validate</c>: bytes, control
/// characters, path segments); these are checked before it, where a Service Bus client creates an
/// entity (the ATOM API, <c>$management</c> add-rule, the emulator's entities file), so the client
/// gets the refusal Service Bus gives. An entity made through another protocol under a name Service
/// Bus would refuse is still reached by it; only creation is checked.
/// <para>
/// Service Bus names also ignore case; the core's are case-sensitive. Every name a Service Bus
/// client gives is resolved to the stored name first: <c>ORDERS</c> reaches queue <c>orders</c>,
/// as in Service Bus, while a queue <c>Orders</c> made through another protocol stays its own.
/// </para>
/// </summary>
public static class ServiceBusNames
{
    /// <summary>The longest queue or topic name (its whole path), in characters.</summary>
    public const int MaxEntityNameLength = 260;

    /// <summary>The longest subscription or rule name, in characters.</summary>
    public const int MaxSubscriptionNameLength = 50;

    /// <summary>
    /// A queue or topic name as Service Bus accepts it: 1 to 260 characters, ASCII letters, digits,
    /// periods, hyphens, underscores and slashes, starting and ending with a letter or digit, no <c>//</c>
    /// and no <c>.</c> or <c>..</c> segment. Throws <see cref="MessagingException"/> (InvalidArgument).
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="what"><c>queue</c> or <c>topic</c>, for the message.</param>
    public static void ValidateEntityName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckLengthAndCharacters(name, what, MaxEntityNameLength, allowSlash: true, allowLeadingDollar: false);
        if (name.Contains("//", StringComparison.Ordinal))
        {
            throw Invalid($"The {what} name '{name}' has an empty segment ('//').");
        }
        if (name.Split('/').Any(segment => segment is "." or ".."))
        {
            throw Invalid($"The {what} name '{name}' has a '.' or '..' segment.");
        }
    }

    /// <summary>
    /// A subscription name as Service Bus accepts it: 1 to 50 characters, ASCII letters, digits, periods,
    /// hyphens and underscores (no slash), starting and ending with a letter or digit.
    /// </summary>
    public static void ValidateSubscriptionName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckLengthAndCharacters(name, "subscription", MaxSubscriptionNameLength, allowSlash: false, allowLeadingDollar: false);
    }

    /// <summary>
    /// A rule name as Service Bus accepts it: as a subscription name, except that it may start with
    /// <c>$</c>, as the default rule <c>$Default</c> does (clients remove and add it by that name).
    /// </summary>
    public static void ValidateRuleName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckLengthAndCharacters(name, "rule", MaxSubscriptionNameLength, allowSlash: false, allowLeadingDollar: true);
    }

    private static void CheckLengthAndCharacters(string name, string what, int maxLength, bool allowSlash, bool allowLeadingDollar)
    {
        if (name.Length is 0 || name.Length > maxLength)
        {
            throw Invalid($"The {what} name must be 1 to {maxLength} characters; it has {name.Length}.");
        }
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool allowed = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' || (allowSlash && c == '/') || (allowLeadingDollar && i == 0 && c == '$');
            if (!allowed)
            {
                // The name is echoed only when the character can be shown: a control character would not read.
                string shown = char.IsControl(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : $"'{c}'";
                throw Invalid($"The {what} name contains {shown} at position {i}; Service Bus {what} names can contain only letters, numbers, periods (.), hyphens (-){(allowSlash ? ", underscores (_) and slashes (/)" : " and underscores (_)")}.");
            }
        }
        if (!(char.IsAsciiLetterOrDigit(name[0]) || (allowLeadingDollar && name[0] == '$')) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            throw Invalid($"The {what} name '{name}' must start and end with a letter or a number.");
        }
    }

    private static MessagingException Invalid(string message) => new(MessagingErrorCode.InvalidArgument, message);

    private const string SubscriptionsMarker = "/" + EntityNames.SubscriptionsSegment + "/";
    private const string DeadLetterMarker = "/" + EntityNames.DeadLetterSuffix;

    /// <summary>An entity path (<c>q</c>, <c>t/Subscriptions/s</c>, either with <c>/$DeadLetterQueue</c>) with its names as stored.</summary>
    public static string Resolve(Broker broker, string path)
    {
        string suffix = "";
        if (path.EndsWith(DeadLetterMarker, StringComparison.OrdinalIgnoreCase))
        {
            suffix = DeadLetterMarker;
            path = path[..^DeadLetterMarker.Length];
        }
        int marker = path.IndexOf(SubscriptionsMarker, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
        {
            return broker.ResolveNameIgnoringCase(path) + suffix;
        }
        string topic = broker.ResolveNameIgnoringCase(path[..marker]);
        string subscription = broker.ResolveSubscriptionNameIgnoringCase(topic, path[(marker + SubscriptionsMarker.Length)..]);
        return EntityNames.SubscriptionPath(topic, subscription) + suffix;
    }

    /// <summary>The receivable a resolved Service Bus path names (<c>q</c>, <c>t/Subscriptions/s</c>, either with <c>/$DeadLetterQueue</c>).</summary>
    public static Receivable GetReceivable(Broker broker, string resolvedPath, CallerIdentity? caller)
    {
        string path = resolvedPath.Trim('/');
        bool deadLetter = path.EndsWith(DeadLetterMarker, StringComparison.OrdinalIgnoreCase);
        if (deadLetter)
        {
            path = path[..^DeadLetterMarker.Length];
        }
        int marker = path.IndexOf(SubscriptionsMarker, StringComparison.OrdinalIgnoreCase);
        Receivable receivable = marker > 0
            ? broker.GetReceivable(path[..marker], path[(marker + SubscriptionsMarker.Length)..], caller)
            : broker.GetReceivable(path, caller);
        return deadLetter ? receivable.DeadLetter : receivable;
    }
}
