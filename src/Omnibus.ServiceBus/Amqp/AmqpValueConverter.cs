using System.Text;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Converts property values between AMQP and the core's simple types. The .NET SDK sends
/// TimeSpan, Uri and DateTimeOffset as described values with vendor descriptors; they are
/// mapped to the CLR types and back, so they survive a round trip.
/// </summary>
internal static class AmqpValueConverter
{
    public static readonly AmqpSymbol TimeSpanDescriptor = AmqpSymbol.FromString("com.microsoft:timespan");
    public static readonly AmqpSymbol UriDescriptor = AmqpSymbol.FromString("com.microsoft:uri");
    public static readonly AmqpSymbol DateTimeOffsetDescriptor = AmqpSymbol.FromString("com.microsoft:datetime-offset");

    /// <summary>A map key as text (the .NET SDK keys its maps with symbols, rhea with strings), or null for any other key.</summary>
    public static string? KeyText(object? key) => key switch
    {
        AmqpSymbol s => s.ToString(),
        string s => s,
        _ => null,
    };

    /// <summary>
    /// A rejected outcome's error info as a dead-lettering: the reason and description entries, and
    /// every other entry as an application property to change.
    /// </summary>
    public static (string? Reason, string? Description, Dictionary<string, object?>? Properties) DeadLetterInfo(AmqpError? error)
    {
        string? reason = null;
        string? description = null;
        Dictionary<string, object?>? properties = null;
        foreach (KeyValuePair<object?, object?> pair in error?.Info ?? [])
        {
            string? key = KeyText(pair.Key);
            if (key == DeadLetterProperties.Reason)
            {
                reason = pair.Value?.ToString();
            }
            else if (key == DeadLetterProperties.Description)
            {
                description = pair.Value?.ToString();
            }
            else if (key is not null)
            {
                (properties ??= new Dictionary<string, object?>(StringComparer.Ordinal))[key] = ToCore(pair.Value, key);
            }
        }
        return (reason, description, properties);
    }

    /// <summary>AMQP value → core value; throws InvalidArgument for compound values the core cannot hold.</summary>
    public static object? ToCore(object? value, string name) => value switch
    {
        null or bool or byte or ushort or uint or ulong or sbyte or short or int or long or float or double or string or Guid => value,
        AmqpSymbol s => s.ToString(),
        AmqpTimestamp t => t.ToDateTimeOffset().UtcDateTime,
        ReadOnlyMemory<byte> b => b.ToArray(),
        byte[] b => b,
        Rune r => r.IsBmp ? (char)r.Value : r.ToString(),
        AmqpDescribed d when d.Descriptor is AmqpSymbol sym && sym == TimeSpanDescriptor && d.Value is long ticks => TimeSpan.FromTicks(ticks),
        AmqpDescribed d when d.Descriptor is AmqpSymbol sym && sym == UriDescriptor && d.Value is string uri => new Uri(uri, UriKind.RelativeOrAbsolute),
        AmqpDescribed d when d.Descriptor is AmqpSymbol sym && sym == DateTimeOffsetDescriptor && d.Value is long ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
        _ => throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The property '{name}' has a value of a type Service Bus does not support ({value.GetType().Name})."),
    };

    /// <summary>Core value → AMQP value.</summary>
    public static object? ToAmqp(object? value) => value switch
    {
        DateTime d => AmqpTimestamp.FromDateTimeOffset(new DateTimeOffset(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc))),
        DateTimeOffset d => new AmqpDescribed(DateTimeOffsetDescriptor, d.UtcTicks),
        TimeSpan t => new AmqpDescribed(TimeSpanDescriptor, t.Ticks),
        Uri u => new AmqpDescribed(UriDescriptor, u.IsAbsoluteUri ? u.AbsoluteUri : u.OriginalString),
        decimal m => (double)m,
        _ => value,
    };
}
