using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Value conversions used by the ATOM documents: ISO 8601 durations, xsd booleans, timestamps.</summary>
internal static class AtomValues
{
    public static string Duration(TimeSpan value) => XmlConvert.ToString(value);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static TimeSpan? ReadDuration(XElement parent, string name)
    {
        string? v = parent.Element(AtomNames.ServiceBusNs + name)?.Value;
        return string.IsNullOrWhiteSpace(v) ? null : XmlConvert.ToTimeSpan(v);
    }

    public static bool? ReadBool(XElement parent, string name)
    {
        string? v = parent.Element(AtomNames.ServiceBusNs + name)?.Value;
        return string.IsNullOrWhiteSpace(v) ? null : XmlConvert.ToBoolean(v.ToLowerInvariant());
    }

    public static long? ReadLong(XElement parent, string name)
    {
        string? v = parent.Element(AtomNames.ServiceBusNs + name)?.Value;
        return string.IsNullOrWhiteSpace(v) ? null : long.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    public static string? ReadString(XElement parent, string name)
    {
        string? v = parent.Element(AtomNames.ServiceBusNs + name)?.Value;
        return string.IsNullOrEmpty(v) ? null : v;
    }

    /// <summary>Reads a typed value as the SDK writes it: <c>&lt;Value i:type="p:int" xmlns:p="...XMLSchema"&gt;</c>.</summary>
    public static object? ReadTypedValue(XElement value)
    {
        string? type = value.Attribute(AtomNames.InstanceType)?.Value;
        if (type is null)
        {
            return value.Value;
        }
        int colon = type.IndexOf(':', StringComparison.Ordinal);
        string local = colon < 0 ? type : type[(colon + 1)..];
        string text = value.Value;
        return local switch
        {
            "int" => XmlConvert.ToInt32(text),
            "long" => XmlConvert.ToInt64(text),
            "boolean" => XmlConvert.ToBoolean(text),
            "double" => XmlConvert.ToDouble(text),
            "dateTime" => XmlConvert.ToDateTime(text, XmlDateTimeSerializationMode.Utc),
            "duration" => XmlConvert.ToTimeSpan(text),
            _ => text,
        };
    }

    /// <summary>Writes a typed value the way the service does; types outside the ATOM set are written as strings.</summary>
    public static XElement WriteTypedValue(object? value)
    {
        (string type, string text) = value switch
        {
            null => ("string", ""),
            string s => ("string", s),
            int i => ("int", XmlConvert.ToString(i)),
            long l => ("long", XmlConvert.ToString(l)),
            bool b => ("boolean", Bool(b)),
            double d => ("double", XmlConvert.ToString(d)),
            DateTime dt => ("dateTime", XmlConvert.ToString(dt, XmlDateTimeSerializationMode.Utc)),
            TimeSpan ts => ("duration", XmlConvert.ToString(ts)),
            _ => ("string", Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
        };
        return new XElement(AtomNames.ServiceBusNs + "Value",
            new XAttribute(XNamespace.Xmlns + "d6p1", AtomNames.Schema.NamespaceName),
            new XAttribute(AtomNames.InstanceType, "d6p1:" + type),
            text);
    }
}
