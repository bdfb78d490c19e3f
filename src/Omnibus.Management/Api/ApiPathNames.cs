using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Omnibus.Management.Api;

/// <summary>
/// How the JSON API reads entity names from its URLs: each path segment is percent-decoded once, so
/// <c>%2F</c> is a slash inside a name. <c>/api/queues/a%2Fb</c> and <c>/api/queues/a/b</c> name the
/// same queue <c>a/b</c>, and a topic whose name holds a slash is written <c>a%2Fb</c> where the route
/// has one segment for it (<c>/api/topics/a%2Fb/subscriptions/s</c>); a literal <c>%</c> is <c>%25</c>
/// (the CLI escapes every name with <c>Uri.EscapeDataString</c>).
/// <para>
/// Kestrel decodes every escape in the path except <c>%2F</c> (so segments stay segments), which would
/// leave <c>a%2Fb</c> and <c>a%252Fb</c> alike; the names are therefore decoded from the raw request
/// target. When the raw target does not line up with the decoded path (dot segments Kestrel removed,
/// an absolute-form target), the decoded path is used with <c>%2F</c> read as a slash.
/// </para>
/// </summary>
internal static partial class ApiPathNames
{
    /// <summary>The name in path segments <paramref name="first"/> to the end of the request path (a <c>{**name}</c> route value).</summary>
    public static string Rest(HttpContext http, int first) => Read(http, first, last: null);

    /// <summary>The name in path segment <paramref name="index"/> alone (a <c>{name}</c> route value).</summary>
    public static string Segment(HttpContext http, int index) => Read(http, index, last: index);

    /// <summary>A name escaped for a path segment of a URL (a <c>Location</c> header).</summary>
    public static string Escape(string name) => Uri.EscapeDataString(name);

    // Segment indices count from the start of Request.Path: "/api/queues/x" is "", "api", "queues", "x".
    private static string Read(HttpContext http, int first, int? last)
    {
        string[] decoded = (http.Request.Path.Value ?? "").Split('/');
        string[]? raw = RawSegments(http, decoded);
        int end = last ?? decoded.Length - 1;
        if (first >= decoded.Length || end >= decoded.Length || end < first)
        {
            return "";
        }
        var parts = new string[end - first + 1];
        for (int i = first; i <= end; i++)
        {
            parts[i - first] = raw is null ? EncodedSlash().Replace(decoded[i], "/") : Uri.UnescapeDataString(raw[i]);
        }
        return string.Join('/', parts);
    }

    /// <summary>The raw target's segments aligned with <paramref name="decoded"/>, or null when they do not line up.</summary>
    private static string[]? RawSegments(HttpContext http, string[] decoded)
    {
        string? target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            return null;
        }
        int query = target.IndexOfAny(['?', '#']);
        string path = query < 0 ? target : target[..query];
        string[] all = path.Split('/');
        // A path base (UsePathBase) takes whole segments from the front.
        int skip = all.Length - decoded.Length;
        if (skip < 0)
        {
            return null;
        }
        string[] raw = all[skip..];
        for (int i = 0; i < raw.Length; i++)
        {
            // Kestrel's decoding of the segment, which keeps %2F: if it does not give the decoded segment, the two do not line up.
            string kestrel = Uri.UnescapeDataString(EncodedSlash().Replace(raw[i], m => "%25" + m.Value[1..]));
            if (!string.Equals(kestrel, decoded[i], StringComparison.Ordinal))
            {
                return null;
            }
        }
        return raw;
    }

    [GeneratedRegex("%2[fF]")]
    private static partial Regex EncodedSlash();
}
