using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Omnibus.Testing;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>An HTTP client for the management API with basic auth, as KEDA, rabbitmqadmin and Grafana call it.</summary>
internal sealed class ManagementClient : IDisposable
{
    private readonly HttpClient _http;

    public ManagementClient(OmnibusTestBroker broker, string user = "guest", string password = "guest")
    {
        _http = new HttpClient { BaseAddress = broker.RabbitMqManagementUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public HttpClient Http => _http;

    public async Task<JsonNode> GetAsync(string path)
    {
        using HttpResponseMessage response = await _http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await _http.SendAsync(request);
    }

    /// <summary>Asks <paramref name="path"/> until <paramref name="condition"/> holds (counts follow deliveries a moment later), then returns the answer.</summary>
    public async Task<JsonNode> GetWhenAsync(string path, Func<JsonNode, bool> condition)
    {
        JsonNode last = await GetAsync(path);
        for (int i = 0; i < 100 && !condition(last); i++)
        {
            await Task.Delay(50);
            last = await GetAsync(path);
        }
        Assert.True(condition(last), $"{path} never matched: {last.ToJsonString()}");
        return last;
    }

    public void Dispose() => _http.Dispose();
}
