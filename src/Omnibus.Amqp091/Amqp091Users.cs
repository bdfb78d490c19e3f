using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Amqp091;

/// <summary>The outcome of a login, on the AMQP port or the management API.</summary>
internal enum LoginOutcome
{
    Accepted,
    BadCredentials,
    GuestFromRemote,
}

/// <summary>
/// The one login rule of the RabbitMQ front-end, asked by the AMQP handshake and the management API alike:
/// a user of <see cref="Amqp091Options.Users"/> with its password, and <c>guest</c> from loopback only when
/// <see cref="Amqp091Options.GuestFromLoopbackOnly"/> (RabbitMQ's <c>loopback_users</c>).
/// </summary>
internal static class Amqp091Users
{
    public const string Guest = "guest";

    public static LoginOutcome Check(Amqp091Options options, string? user, string? password, IPAddress? remote)
    {
        if (user is null || password is null || !options.Users.TryGetValue(user, out string? expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password)))
        {
            return LoginOutcome.BadCredentials;
        }
        if (user == Guest && options.GuestFromLoopbackOnly && !IsLoopback(remote))
        {
            return LoginOutcome.GuestFromRemote;
        }
        return LoginOutcome.Accepted;
    }

    /// <summary>Loopback, IPv4 seen through a dual-stack socket (<c>::ffff:127.0.0.1</c>) included.</summary>
    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
