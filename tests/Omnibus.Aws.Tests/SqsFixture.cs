using Amazon.Runtime;
using Amazon.SQS;
using Omnibus.Testing;

namespace Omnibus.Aws.Tests;

/// <summary>One in-process broker for a test class; each test makes queues of its own names.</summary>
public sealed class SqsFixture : IAsyncLifetime
{
    public OmnibusTestBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await OmnibusTestBroker.StartAsync(o => o.InMemory = true);

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    public AmazonSQSClient Client(string accessKey = "test", string secret = "test", string region = "us-east-1") => SqsClients.For(Broker, accessKey, secret, region);
}

/// <summary>AWSSDK.SQS clients pointed at a test broker, as an application points them at LocalStack.</summary>
public static class SqsClients
{
    public static AmazonSQSClient For(OmnibusTestBroker broker, string accessKey = "test", string secret = "test", string region = "us-east-1") =>
        new(new BasicAWSCredentials(accessKey, secret), new AmazonSQSConfig
        {
            ServiceURL = broker.SqsServiceUrl.ToString(),
            AuthenticationRegion = region,
            MaxErrorRetry = 0,
        });
}
