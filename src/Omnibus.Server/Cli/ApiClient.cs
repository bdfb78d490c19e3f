using System.Net.Http.Json;
using System.Text.Json;
using Omnibus.ServiceBus.Security;

namespace Omnibus.Server.Cli;

/// <summary>Talks to a running server's JSON API (<c>/api/...</c>), signing each request with a SAS token.</summary>
internal sealed class ApiClient(Uri server, string keyName, string key) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(100) };

    public Task<JsonElement> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<JsonElement> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, body);

    public Task<JsonElement> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<JsonElement> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization",
            SharedAccessSignature.CreateToken(new Uri(server, path).GetLeftPart(UriPartial.Path), keyName, key, TimeSpan.FromMinutes(10), TimeProvider.System));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Cannot reach the Omnibus server at {server}: {e.Message}");
        }
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string detail = text;
                try
                {
                    using JsonDocument err = JsonDocument.Parse(text);
                    detail = err.RootElement.TryGetProperty("error", out JsonElement e) ? e.GetString() ?? text : text;
                }
                catch (JsonException)
                {
                }
                throw new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}: {detail}");
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                return default;
            }
            using JsonDocument doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A CLI verb failed in a way the user should read (exit code 5).</summary>
internal sealed class CliException : Exception
{
    public CliException(string message) : base(message) { }

    public CliException() { }

    public CliException(string message, Exception inner) : base(message, inner) { }
}
