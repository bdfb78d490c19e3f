using System.Globalization;
using System.Text.Json;

namespace Omnibus.Server.Cli;

/// <summary>Plain-text tables for humans; <c>--json</c> prints the server's JSON instead.</summary>
internal static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        List<IReadOnlyList<string>> all = [headers, .. rows];
        int[] widths = headers.Select((_, i) => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        foreach (IReadOnlyList<string> row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>Key/value listing of one JSON object (nested objects flattened with dots).</summary>
    public static void WriteObject(TextWriter output, JsonElement obj)
    {
        var rows = new List<IReadOnlyList<string>>();
        Flatten(obj, "", rows);
        Write(output, ["setting", "value"], rows);
    }

    private static void Flatten(JsonElement e, string prefix, List<IReadOnlyList<string>> rows)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in e.EnumerateObject())
            {
                Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", rows);
            }
        }
        else
        {
            rows.Add([prefix, Text(e)]);
        }
    }

    public static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };

    public static string Field(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) ? Text(v) : "";

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
