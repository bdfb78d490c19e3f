using System.Text;

namespace Omnibus.Core.Routing;

/// <summary>Routing keys and binding patterns: their limits and how a key splits into words.</summary>
public static class RoutingKeys
{
    /// <summary>The longest routing key or binding key, in UTF-8 bytes (an AMQP 0-9-1 short string).</summary>
    public const int MaxLength = 255;

    /// <summary>
    /// The dot-separated words of a key: the empty key has none, and every dot separates two words
    /// (<c>"a..b"</c> is <c>a</c>, empty, <c>b</c>), as RabbitMQ splits them.
    /// </summary>
    public static string[] Words(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == 0 ? [] : key.Split('.');
    }

    /// <summary>Refuses a key over <see cref="MaxLength"/> UTF-8 bytes or holding a control character.</summary>
    internal static void ValidateLength(string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Encoding.UTF8.GetByteCount(key) > MaxLength)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} is longer than {MaxLength} bytes.");
        }
        foreach (char c in key)
        {
            if (char.IsControl(c))
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} contains the control character U+{(int)c:X4}.");
            }
        }
    }
}
