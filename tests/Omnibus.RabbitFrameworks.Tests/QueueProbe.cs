using RabbitMQ.Client;

namespace Omnibus.RabbitFrameworks.Tests;

/// <summary>Looks into a queue a framework fills (its error or dead-letter queue) with the plain RabbitMQ.Client.</summary>
internal static class QueueProbe
{
    /// <summary>The first message in <paramref name="queue"/>, waiting up to 20 s for the framework to declare and fill it.</summary>
    public static async Task<BasicGetResult> GetAsync(int port, string queue)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = port };
        await using IConnection connection = await factory.CreateConnectionAsync();
        DateTime until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            // A channel per attempt: a get before the queue is declared is a 404 that closes the channel.
            await using IChannel channel = await connection.CreateChannelAsync();
            try
            {
                if (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
                {
                    return got;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Nothing arrived in {queue}.");
    }
}
