using Omnibus.Amqp.Listener;
using Omnibus.Management.Metrics;

namespace Omnibus.Hosting.Listeners;

/// <summary>Feeds the AMQP listener's link counts and sent errors into /metrics.</summary>
internal sealed class MetricsAmqpObserver(BrokerMetrics metrics) : IAmqpListenerObserver
{
    public void LinksChanged(int delta) => metrics.LinksChanged("amqp", delta);

    public void ErrorSent(string condition) => metrics.CountError(condition);
}
