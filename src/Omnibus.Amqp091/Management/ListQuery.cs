using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Omnibus.Amqp091.Management;

/// <summary>
/// The list parameters of RabbitMQ's management API over any list of objects: <c>name</c> (a substring, or a
/// regular expression with <c>use_regex=true</c>), <c>sort</c> / <c>sort_reverse</c>, <c>columns</c>, and with
/// <c>page</c> a paged answer (<c>items</c>, <c>page</c>, <c>page_count</c>, <c>page_size</c>, <c>filtered_count</c>,
/// <c>item_count</c>, <c>total_count</c>).
/// </summary>
internal static class ListQuery
{
    private const int DefaultPageSize = 100;

    public static IResult Answer(HttpContext http, IReadOnlyList<JsonObject> all, RabbitMqManagementOptions options)
    {
        IEnumerable<JsonObject> items = all;
        string? name = http.Request.Query["name"].ToString() is { Length: > 0 } n ? n : null;
        if (name is not null)
        {
            Func<string, bool> matches;
            if (ManagementHttp.Flag(http, "use_regex"))
            {
                Regex regex;
                try
                {
                    regex = new Regex(name, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    return ManagementHttp.BadRequest($"invalid regex '{name}': {e.Message}");
                }
                matches = regex.IsMatch;
            }
            else
            {
                matches = s => s.Contains(name, StringComparison.OrdinalIgnoreCase);
            }
            items = items.Where(o => matches(o["name"]?.GetValue<string>() ?? ""));
        }
        string sort = http.Request.Query["sort"].ToString() is { Length: > 0 } s ? s : "name";
        items = items.Select(o => (Item: o, Key: SortKey(At(o, sort))))
            .OrderBy(e => e.Key.Kind).ThenBy(e => e.Key.Number).ThenBy(e => e.Key.Text, StringComparer.Ordinal)
            .Select(e => e.Item);
        if (ManagementHttp.Flag(http, "sort_reverse"))
        {
            items = items.Reverse();
        }
        List<JsonObject> filtered = [.. items];
        string[] columns = http.Request.Query["columns"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ManagementHttp.Int(http, "page") is not int page)
        {
            return ManagementHttp.Json(new JsonArray([.. filtered.Select(o => Project(o, columns))]));
        }
        int pageSize = ManagementHttp.Int(http, "page_size") ?? DefaultPageSize;
        if (page < 1 || pageSize < 1 || pageSize > options.MaxPageSize)
        {
            return ManagementHttp.BadRequest($"page must be at least 1 and page_size from 1 to {options.MaxPageSize}");
        }
        int pageCount = Math.Max(1, (filtered.Count + pageSize - 1) / pageSize);
        List<JsonObject> slice = [.. filtered.Skip((page - 1) * pageSize).Take(pageSize)];
        return ManagementHttp.Json(new JsonObject
        {
            ["filtered_count"] = filtered.Count,
            ["item_count"] = slice.Count,
            ["items"] = new JsonArray([.. slice.Select(o => Project(o, columns))]),
            ["page"] = page,
            ["page_count"] = pageCount,
            ["page_size"] = pageSize,
            ["total_count"] = all.Count,
        });
    }

    /// <summary>Only the columns asked for (dotted paths reach into nested objects); every field without <c>columns</c>.</summary>
    public static JsonNode Project(JsonObject item, string[] columns)
    {
        if (columns.Length == 0)
        {
            return item.DeepClone();
        }
        var projected = new JsonObject();
        foreach (string column in columns)
        {
            if (At(item, column) is not { } value)
            {
                continue;
            }
            string[] path = column.Split('.');
            JsonObject target = projected;
            foreach (string step in path[..^1])
            {
                target = target[step] as JsonObject ?? (JsonObject)(target[step] = new JsonObject());
            }
            target[path[^1]] = value.DeepClone();
        }
        return projected;
    }

    private static JsonNode? At(JsonObject item, string path)
    {
        JsonNode? node = item;
        foreach (string step in path.Split('.'))
        {
            node = node is JsonObject o ? o[step] : null;
        }
        return node;
    }

    private static (int Kind, double Number, string Text) SortKey(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue(out double d) => (0, d, ""),
        JsonValue v when v.TryGetValue(out long l) => (0, l, ""),
        JsonValue v when v.TryGetValue(out string? s) => (1, 0, s ?? ""),
        null => (2, 0, ""),
        _ => (1, 0, value.ToJsonString()),
    };
}
