using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Omnibus.Server.Configuration;

/// <summary>
/// Reads settings one key at a time and records every bad value with its full key and allowed range,
/// so start-up can report all mistakes at once instead of failing on the first inside a binder.
/// </summary>
internal sealed class SettingsReader(IConfiguration configuration, string section)
{
    public List<string> Errors { get; } = [];

    private string Key(string name) => $"{section}:{name}";

    private string? Raw(string name) => configuration[Key(name)] is { Length: > 0 } v ? v.Trim() : null;

    public string String(string name, string fallback) => Raw(name) ?? fallback;

    public string? OptionalString(string name) => Raw(name);

    public int Int(string name, int fallback, int min, int max)
    {
        string? raw = Raw(name);
        if (raw is null)
        {
            return fallback;
        }
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max)
        {
            return v;
        }
        Errors.Add($"{Key(name)} = '{raw}' is not allowed: use a whole number from {min} to {max}.");
        return fallback;
    }

    public long Long(string name, long fallback, long min, long max)
    {
        string? raw = Raw(name);
        if (raw is null)
        {
            return fallback;
        }
        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max)
        {
            return v;
        }
        Errors.Add($"{Key(name)} = '{raw}' is not allowed: use a whole number from {min} to {max}.");
        return fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        string? raw = Raw(name);
        if (raw is null)
        {
            return fallback;
        }
        if (bool.TryParse(raw, out bool v))
        {
            return v;
        }
        Errors.Add($"{Key(name)} = '{raw}' is not allowed: use true or false.");
        return fallback;
    }

    /// <summary>A duration as <c>hh:mm:ss</c> or ISO 8601 (<c>PT30S</c>), within [min, max].</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        string? raw = Raw(name);
        if (raw is null)
        {
            return fallback;
        }
        if (TryDuration(raw, out TimeSpan v) && v >= min && v <= max)
        {
            return v;
        }
        Errors.Add($"{Key(name)} = '{raw}' is not allowed: use a duration (hh:mm:ss or ISO 8601 like PT30S) from {min} to {max}.");
        return fallback;
    }

    public static bool TryDuration(string raw, out TimeSpan value) => global::Omnibus.Hosting.DurationText.TryParse(raw, out value);

    public void Fail(string name, string message) => Errors.Add($"{Key(name)}: {message}");
}
