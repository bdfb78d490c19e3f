using System.Net;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Hosting;

// Usage: Omnibus.ExamplesHost <data-directory> [port]   (port 0 or absent: a free one)
//        Omnibus.ExamplesHost verify-interop <connection string>
// Prints "SQS <port>" (the Amazon SQS endpoint, free port on loopback), "KAFKA <port>" (bootstrap.servers), then "LISTENING <port>" once the
// AMQP endpoint accepts connections, after sending the
// interop message with the .NET SDK (the JS tests read it; verify-interop reads the JS one).
if (args.Length == 2 && args[0] == "verify-interop")
{
    return await Interop.VerifyFromJavaScriptAsync(args[1]);
}
string dataDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "omnibus-examples-" + Guid.NewGuid().ToString("N"));
int requestedPort = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;

// The same public hosting API as the omnibus executable and the tests: AMQP only, on loopback.
OmnibusHostBuilder builder = OmnibusHost.CreateIsolatedBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Options.DataDirectory = dataDirectory;
builder.Options.Http.Enabled = false;
builder.Options.Amqp.Host = IPAddress.Loopback;
builder.Options.Amqp.Port = requestedPort;
builder.Options.Aws.Host = IPAddress.Loopback;
builder.Options.Aws.Port = 0;
builder.Options.Kafka.Enabled = true;
builder.Options.Kafka.Host = IPAddress.Loopback;
builder.Options.Kafka.Port = 0;
await using OmnibusHost host = builder.Build();
CreateExampleEntities(host.Broker);
await host.StartAsync();
int port = host.AmqpEndpoint!.Port;
await Interop.SendFromDotNetAsync(Interop.ConnectionString(port));
Console.WriteLine("SQS " + host.AwsEndpoint!.Port);
Console.WriteLine("KAFKA " + host.KafkaEndpoint!.Port);
Console.WriteLine("LISTENING " + port);
await host.RunUntilStoppedAsync();
return 0;

static void CreateExampleEntities(Broker broker)
{
    TryCreate(() => broker.CreateQueue(new QueueDescription { Name = "orders" }));
    TryCreate(() => broker.CreateQueue(new QueueDescription { Name = "payments", MaxDeliveryCount = 3 }));
    TryCreate(() => broker.CreateQueue(new QueueDescription { Name = "jobs" }));
    TryCreate(() => broker.CreateQueue(new QueueDescription { Name = "settle-on-close" }));
    TryCreate(() => broker.CreateQueue(new QueueDescription { Name = "interop-dotnet-to-js" }));
    TryCreate(() => broker.CreateQueue(new QueueDescription { Name = "interop-js-to-dotnet" }));
    TryCreate(() => broker.CreateTopic(new TopicDescription { Name = "events" }));
    TryCreate(() => broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "audit" }));
    TryCreate(() => broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "high-value" }));
    TryCreate(() => broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "eu-orders" }));
    // What kafkajs produces to this topic the Service Bus SDK reads from its subscription.
    TryCreate(() => broker.CreateTopic(new TopicDescription { Name = "kafka-interop" }));
    TryCreate(() => broker.CreateSubscription(new SubscriptionDescription { TopicName = "kafka-interop", Name = "from-kafka" }));
}

static void TryCreate(Action create)
{
    try
    {
        create();
    }
    catch (Omnibus.Core.MessagingException e) when (e.Code == Omnibus.Core.MessagingErrorCode.EntityAlreadyExists)
    {
        // A reused data directory already has them.
    }
}
