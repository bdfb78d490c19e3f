using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Testing;
using Xunit.Abstractions;

namespace Omnibus.IntegrationTests;

public sealed class AdministrationNameProbe(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        var admin = new ServiceBusAdministrationClient(broker.ServiceBusAdministrationConnectionString,
            new ServiceBusAdministrationClientOptions { Retry = { MaxRetries = 0 } });
        var o = new ServiceBusAdministrationClientOptions { Retry = { MaxRetries = 0 } };
        o.AddPolicy(new Capture(output), Azure.Core.HttpPipelinePosition.PerRetry);
        admin = new ServiceBusAdministrationClient(broker.ServiceBusAdministrationConnectionString, o);
        foreach (string name in new[] { "../../etc", "xxx/../y", "ctl\u0001name", new string('a', 261), "a/b.c-d_e", "a//b", "_x", "x-" })
        {
            try
            {
                await admin.CreateQueueAsync(name);
                output.WriteLine($"{Show(name)}: created; queues now {string.Join(",", broker.Broker.ListQueues().Select(q => Show(q.Name)))}");
            }
            catch (Exception e)
            {
                output.WriteLine($"{Show(name)}: {e.GetType().Name} {(e as ServiceBusException)?.Reason} {(e as Azure.RequestFailedException)?.Status} {e.Message.Split('\n')[0]}");
            }
        }
    }

    private static string Show(string s) => s.Length > 20 ? s[..20] + "...(" + s.Length + ")" : s.Replace("\u0001", "\\u0001", StringComparison.Ordinal);
}

sealed class Capture(ITestOutputHelper output) : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(Azure.Core.HttpMessage message)
    {
        var ms = new MemoryStream();
        message.Request.Content?.WriteTo(ms, default);
        output.WriteLine("REQ " + message.Request.Method + " " + message.Request.Uri + " BODY " + System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }
}
