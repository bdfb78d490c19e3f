using System.Globalization;
using System.Xml;

namespace Omnibus.Hosting;

/// <summary>Durations as settings and the emulator's Config.json write them: <c>hh:mm:ss</c> or ISO 8601 (<c>PT30S</c>).</summary>
public static class DurationText
{
    /// <summary>Parses either form; false when it is neither.</summary>
    public static bool TryParse(string raw, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        try
        {
            value = XmlConvert.ToTimeSpan(raw);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
