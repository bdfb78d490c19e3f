using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnibus.Transport.Detection;

namespace Omnibus.Kafka;

/// <summary>Registers the Kafka front-end and adds its route to an endpoint of its own (port 9092).</summary>
public static class KafkaExtensions
{
    /// <summary>The endpoint name in the transport's listener registry.</summary>
    public const string EndpointName = "kafka";

    /// <summary>The services of the front-end; needs a <see cref="Core.Engine.Broker"/> and a <see cref="TimeProvider"/> in the container.</summary>
    public static IServiceCollection AddOmnibusKafka(this IServiceCollection services, Action<KafkaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new KafkaOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<KafkaConnectionHandler>();
        return services;
    }

    /// <summary>Every connection on the endpoint is Kafka's: a Kafka request starts with its size, which no header tells apart.</summary>
    public static EndpointProtocols AddKafka(this EndpointProtocols endpoint, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        KafkaConnectionHandler handler = services.GetRequiredService<KafkaConnectionHandler>();
        return endpoint.Add(ProtocolRoute.ForAnyBytes("kafka", handler.OnConnectedAsync));
    }
}
