using System.Collections.Concurrent;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// The open AMQP 0-9-1 connections (from <c>connection.open</c> until they go), for the management API's
/// connections, channels and consumers, and
/// the vhosts they reach. One per front-end instance.
/// </summary>
public sealed class Amqp091ConnectionRegistry
{
    private readonly ConcurrentDictionary<Amqp091Connection, byte> _open = new();

    public Amqp091ConnectionRegistry(Vhosts vhosts) => Vhosts = vhosts;

    /// <summary>The vhosts, each with the queue state every connection to it shares.</summary>
    public Vhosts Vhosts { get; }

    internal void Add(Amqp091Connection connection) => _open.TryAdd(connection, 0);

    internal void Remove(Amqp091Connection connection) => _open.TryRemove(connection, out _);

    /// <summary>The open connections, oldest first.</summary>
    internal IReadOnlyList<Amqp091Connection> Connections => [.. _open.Keys.OrderBy(c => c.ConnectedAt).ThenBy(c => c.Name, StringComparer.Ordinal)];
}
