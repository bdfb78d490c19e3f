using System.Xml.Linq;
using Omnibus.Aws.Sns;

namespace Omnibus.Aws.Tests;

/// <summary>
/// SNS calls as signed form posts, for the .NET tests (the .NET SNS SDK is not served here; the client-level
/// proof is examples/tests/sns.test.ts with @aws-sdk/client-sns).
/// </summary>
internal sealed class SnsHttp(Uri endpoint) : IDisposable
{
    private static readonly XNamespace Ns = SnsXml.Namespace;
    private readonly HttpClient _http = new();

    public async Task<(int Status, XElement Root)> CallAsync(string action, params (string Key, string Value)[] parameters)
    {
        using HttpRequestMessage request = RawHttp.SignedForm(endpoint,
            [new("Action", action), new("Version", "2010-03-31"), .. parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))]);
        using HttpResponseMessage response = await _http.SendAsync(request);
        return ((int)response.StatusCode, XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!);
    }

    /// <summary>Calls an action that must succeed and returns the text of one element of its result.</summary>
    public async Task<string> ResultAsync(string action, string element, params (string Key, string Value)[] parameters)
    {
        (int status, XElement root) = await CallAsync(action, parameters);
        Assert.True(status == 200, $"{action} answered {status}: {root}");
        return root.Element(Ns + action + "Result")!.Element(Ns + element)!.Value;
    }

    public static string ErrorCode(XElement root) => root.Element(Ns + "Error")!.Element(Ns + "Code")!.Value;

    public void Dispose() => _http.Dispose();
}
