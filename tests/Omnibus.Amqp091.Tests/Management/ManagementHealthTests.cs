using System.Net;
using System.Text.Json.Nodes;
using Omnibus.Testing;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>The health checks probes ask of the management API.</summary>
public sealed class ManagementHealthTests
{
    [Fact]
    public async Task A_healthy_broker_passes_the_alarm_vhost_and_aliveness_checks()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        using var api = new ManagementClient(broker);

        foreach (string check in new[] { "api/health/checks/alarms", "api/health/checks/local-alarms", "api/health/checks/virtual-hosts", "api/health/checks/node-is-quorum-critical", "api/aliveness-test/%2F" })
        {
            Assert.Equal("ok", (string)(await api.GetAsync(check))["status"]!);
        }
        using HttpResponseMessage otherVhost = await api.Http.GetAsync("api/aliveness-test/staging");
        Assert.Equal(HttpStatusCode.NotFound, otherVhost.StatusCode);
    }

    [Fact]
    public async Task A_disk_below_its_free_space_floor_fails_the_alarm_check_with_503()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => o.Host = h => h.FreeSpaceProbe = _ => 0);
        using var api = new ManagementClient(broker);

        HttpResponseMessage? response = null;
        for (int i = 0; i < 100; i++)
        {
            response?.Dispose();
            response = await api.Http.GetAsync("api/health/checks/alarms");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                break;
            }
            await Task.Delay(50);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response!.StatusCode);
        JsonNode body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("failed", (string)body["status"]!);
        Assert.Contains("disk", (string)body["reason"]!, StringComparison.Ordinal);
        response.Dispose();
    }
}
