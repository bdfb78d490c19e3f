using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omnibus.Server.Cli;
using Omnibus.ServiceBus.Security;

namespace Omnibus.Server.Tests;

/// <summary>Requests to the JSON API of a test server, signed with the default SAS key as the CLI signs them.</summary>
internal static class JsonApiRequests
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(TestServer server, HttpMethod method, string path, object? body = null)
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization",
            SharedAccessSignature.CreateToken(new Uri(server.HttpBase, path).GetLeftPart(UriPartial.Path), "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), TimeProvider.System));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ApiClient.Json);
        }
        HttpResponseMessage response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json, response);
    }
}
