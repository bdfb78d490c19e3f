using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Kafka;
using Omnibus.Transport;

namespace Omnibus.Hosting.Listeners;

/// <summary>The only place the host touches the Kafka front-end: its services and its Kestrel endpoint.</summary>
internal static class KafkaWiring
{
    public static void AddServices(IServiceCollection services, KafkaEndpointOptions kafka) =>
        services.AddOmnibusKafka(kafka.Apply);

    /// <summary>The Kafka port's entry in the transport's listener registry: Kafka alone, as in Kafka.</summary>
    public static void UseKafka(ListenOptions listen) =>
        listen.UseOmnibusTransport(KafkaExtensions.EndpointName, (endpoint, services) => endpoint.AddKafka(services));
}
