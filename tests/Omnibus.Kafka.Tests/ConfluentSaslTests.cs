using Confluent.Kafka;
using Omnibus.Kafka.Security;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>A SASL listener (SASL_PLAINTEXT) with PLAIN and SCRAM, reached by Confluent.Kafka as a Kafka cluster with SASL is.</summary>
public sealed class ConfluentSaslTests
{
    private static Task<OmnibusTestBroker> StartSaslBrokerAsync() => KafkaBroker.StartAsync(k =>
    {
        k.Sasl.Mechanisms.AddRange([KafkaSaslOptions.Plain, KafkaSaslOptions.ScramSha256, KafkaSaslOptions.ScramSha512]);
        k.Sasl.Users["alice"] = "alice-secret";
    });

    private static void Sasl(ClientConfig config, SaslMechanism mechanism, string user, string password)
    {
        config.SecurityProtocol = SecurityProtocol.SaslPlaintext;
        config.SaslMechanism = mechanism;
        config.SaslUsername = user;
        config.SaslPassword = password;
    }

    [Theory]
    [InlineData(SaslMechanism.Plain)]
    [InlineData(SaslMechanism.ScramSha256)]
    [InlineData(SaslMechanism.ScramSha512)]
    public async Task A_client_with_the_right_password_produces_and_consumes_through_each_mechanism(SaslMechanism mechanism)
    {
        await using OmnibusTestBroker broker = await StartSaslBrokerAsync();
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker, p => Sasl(p, mechanism, "alice", "alice-secret")))
        {
            DeliveryResult<string?, string?> delivered = await producer.ProduceAsync("secured", new Message<string?, string?> { Key = "k", Value = mechanism.ToString() });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "secured-readers", c => Sasl(c, mechanism, "alice", "alice-secret"));
        consumer.Subscribe("secured");
        ConsumeResult<string?, string?> got = Assert.Single(KafkaBroker.ConsumeMany(consumer, 1));
        Assert.Equal(mechanism.ToString(), got.Message.Value);
    }

    [Theory]
    [InlineData(SaslMechanism.Plain)]
    [InlineData(SaslMechanism.ScramSha256)]
    public async Task A_wrong_password_is_an_authentication_error_and_nothing_is_produced(SaslMechanism mechanism)
    {
        await using OmnibusTestBroker broker = await StartSaslBrokerAsync();
        var errors = new List<Error>();
        var config = new ProducerConfig { BootstrapServers = broker.KafkaBootstrapServers, MessageTimeoutMs = 3_000 };
        Sasl(config, mechanism, "alice", "not-her-password");
        using (IProducer<string, string> producer = new ProducerBuilder<string, string>(config).SetErrorHandler((_, e) => { lock (errors) { errors.Add(e); } }).Build())
        {
            ProduceException<string, string> refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => producer.ProduceAsync("secured", new Message<string, string> { Key = "k", Value = "v" }));
            Assert.NotEqual(ErrorCode.NoError, refused.Error.Code);
        }
        lock (errors)
        {
            // librdkafka retries the broker (with backoff) and reports each refusal.
            Assert.NotEmpty(errors);
            Assert.All(errors.Where(e => e.Code == ErrorCode.Local_Authentication), e => Assert.Contains("Authentication failed", e.Reason, StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Code == ErrorCode.Local_Authentication);
        }
        Assert.Throws<Core.MessagingException>(() => broker.Host.Broker.Streams.Get("secured"));
    }

    [Fact]
    public async Task A_plaintext_client_gets_nothing_from_a_sasl_listener()
    {
        await using OmnibusTestBroker broker = await StartSaslBrokerAsync();
        using IAdminClient admin = KafkaBroker.Admin(broker);

        Assert.ThrowsAny<KafkaException>(() => admin.GetMetadata(TimeSpan.FromSeconds(3)));
    }
}
