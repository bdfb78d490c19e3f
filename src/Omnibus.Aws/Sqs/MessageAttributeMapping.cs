using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// SQS message attributes to and from the envelope's typed headers: String is a string header, Binary a byte
/// array, Number an integer when its text is one (so other protocols see a number), otherwise the text.
/// Whatever a header alone cannot say back exactly (a custom type suffix, a number written another way) is
/// kept in the native field <c>sqs:data-type:&lt;name&gt;</c>, so the SDK's MD5 of the attributes matches.
/// </summary>
internal static class MessageAttributeMapping
{
    public const int MaxAttributes = 10;
    private const string DataTypePrefix = "sqs:data-type:";

    /// <summary>Reads and checks the <c>MessageAttributes</c> of a send, as SQS checks them.</summary>
    public static List<KeyValuePair<string, SqsAttributeValue>> Read(JsonArgs args, string member = "MessageAttributes")
    {
        var list = new List<KeyValuePair<string, SqsAttributeValue>>();
        foreach (JsonProperty p in args.Object(member))
        {
            CheckName(p.Name);
            if (p.Value.ValueKind != JsonValueKind.Object)
            {
                throw new SqsException(SqsError.InvalidParameterValue, $"The message attribute '{p.Name}' must be a structure.");
            }
            var a = new JsonArgs(p.Value);
            string dataType = a.String("DataType") ?? throw new SqsException(SqsError.InvalidParameterValue, $"The message attribute '{p.Name}' must contain non-empty message attribute type.");
            string? text = a.String("StringValue");
            byte[]? binary = null;
            if (a.String("BinaryValue") is { } b64)
            {
                try
                {
                    binary = Convert.FromBase64String(b64);
                }
                catch (FormatException)
                {
                    throw new SqsException(SqsError.InvalidParameterValue, $"The message attribute '{p.Name}' has a BinaryValue that is not base64.");
                }
            }
            var value = new SqsAttributeValue(dataType, text, binary);
            Check(p.Name, value);
            if (list.Any(e => e.Key == p.Name))
            {
                throw new SqsException(SqsError.InvalidParameterValue, $"Message attribute name '{p.Name}' is given more than once.");
            }
            list.Add(new(p.Name, value));
        }
        if (list.Count > MaxAttributes)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Number of message attributes [{list.Count}] exceeds the allowed maximum [{MaxAttributes}].");
        }
        return list;
    }

    private static void CheckName(string name)
    {
        bool valid = name.Length is >= 1 and <= 256
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..", StringComparison.Ordinal)
            && !name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase);
        if (!valid)
        {
            throw new SqsException(SqsError.InvalidParameterValue,
                $"Message (user) attribute name '{name}' is invalid: 1 to 256 letters, digits, '_', '-' and '.' (not first, not last, not two in a row), not starting with 'AWS.' or 'Amazon.'.");
        }
    }

    private static void Check(string name, SqsAttributeValue value)
    {
        string baseType = value.BaseType;
        if (value.DataType.Length > 256 || baseType is not ("String" or "Number" or "Binary") || value.DataType.EndsWith('.'))
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"The type of message (user) attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
        }
        if (baseType == "Binary")
        {
            if (value.BinaryValue is null || value.StringValue is not null)
            {
                throw new SqsException(SqsError.InvalidParameterValue, $"Message (user) attribute '{name}' must contain a non-empty value of message attribute type '{value.DataType}'.");
            }
            return;
        }
        if (string.IsNullOrEmpty(value.StringValue) || value.BinaryValue is not null)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Message (user) attribute '{name}' must contain a non-empty value of message attribute type '{value.DataType}'.");
        }
        if (!MessageText.IsValid(value.StringValue))
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Message (user) attribute '{name}' contains characters outside the allowed set.");
        }
        if (baseType == "Number" && !decimal.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && !double.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Can't cast the value of message (user) attribute '{name}' to a number.");
        }
    }

    /// <summary>Stores the attributes on an outgoing envelope.</summary>
    public static void ToHeaders(IEnumerable<KeyValuePair<string, SqsAttributeValue>> attributes, BrokerMessage message)
    {
        foreach ((string name, SqsAttributeValue value) in attributes)
        {
            object header;
            bool exact;
            switch (value.BaseType)
            {
                case "Binary":
                    header = value.BinaryValue!;
                    exact = value.DataType == "Binary";
                    break;
                case "Number" when long.TryParse(value.StringValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)
                                   && n.ToString(CultureInfo.InvariantCulture) == value.StringValue:
                    header = n;
                    exact = value.DataType == "Number";
                    break;
                default:
                    header = value.StringValue!;
                    exact = value.DataType == "String";
                    break;
            }
            message.ApplicationProperties[name] = header;
            if (!exact)
            {
                message.NativeFields[DataTypePrefix + name] = value.DataType;
            }
        }
    }

    /// <summary>The headers of a stored message as SQS attributes (whatever protocol sent it), those <paramref name="wanted"/> selects.</summary>
    public static List<KeyValuePair<string, SqsAttributeValue>> FromHeaders(BrokerMessage message, AttributeNameFilter wanted)
    {
        var list = new List<KeyValuePair<string, SqsAttributeValue>>();
        if (!message.HasApplicationProperties || wanted.IsEmpty)
        {
            return list;
        }
        foreach ((string name, object? value) in message.ApplicationProperties)
        {
            if (DeadLetterHeaders.All.Contains(name) || !wanted.Matches(name) || list.Any(e => e.Key == name))
            {
                continue;
            }
            string? declared = message.HasNativeFields && message.NativeFields.TryGetValue(DataTypePrefix + name, out object? t) ? t as string : null;
            SqsAttributeValue? attribute = value switch
            {
                string s => new(declared ?? "String", s, null),
                byte[] b => new(declared ?? "Binary", null, b),
                bool b => new(declared ?? "String", b ? "true" : "false", null),
                sbyte or byte or short or ushort or int or uint or long or ulong or decimal or BigInteger or ScaledDecimal
                    => new(declared ?? "Number", Convert.ToString(value, CultureInfo.InvariantCulture), null),
                float f => new(declared ?? "Number", f.ToString("R", CultureInfo.InvariantCulture), null),
                double d => new(declared ?? "Number", d.ToString("R", CultureInfo.InvariantCulture), null),
                DateTime d => new("String", d.ToString("O", CultureInfo.InvariantCulture), null),
                DateTimeOffset d => new("String", d.ToString("O", CultureInfo.InvariantCulture), null),
                TimeSpan d => new("String", d.ToString("c", CultureInfo.InvariantCulture), null),
                Guid or Uri or char => new("String", Convert.ToString(value, CultureInfo.InvariantCulture), null),
                _ => null, // containers and null have no SQS form
            };
            if (attribute is { StringValue.Length: > 0 } or { BinaryValue: not null } && IsValidName(name))
            {
                list.Add(new(name, attribute));
            }
        }
        return list;
    }

    private static bool IsValidName(string name)
    {
        try
        {
            CheckName(name);
            return true;
        }
        catch (SqsException)
        {
            return false;
        }
    }
}

/// <summary>Which attributes a receive asked for: <c>All</c>, <c>.*</c>, exact names, or <c>prefix.*</c>.</summary>
internal sealed class AttributeNameFilter
{
    private readonly bool _all;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _prefixes = [];

    public AttributeNameFilter(IEnumerable<string> names)
    {
        foreach (string n in names)
        {
            if (n is "All" or ".*")
            {
                _all = true;
            }
            else if (n.EndsWith(".*", StringComparison.Ordinal))
            {
                _prefixes.Add(n[..^1]);
            }
            else
            {
                _names.Add(n);
            }
        }
    }

    public bool IsEmpty => !_all && _names.Count == 0 && _prefixes.Count == 0;

    public bool Matches(string name) => _all || _names.Contains(name) || _prefixes.Exists(p => name.StartsWith(p, StringComparison.Ordinal));
}
