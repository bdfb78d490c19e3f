using System.Net;
using System.Text;
using Omnibus.Amqp091.Codec;
using Omnibus.Core.Security;
using Omnibus.Transport.Timers;

namespace Omnibus.Amqp091.Connection;

/// <summary>Channel 0: start, start-ok with PLAIN or AMQPLAIN, tune, open, close (section 1.4.2).</summary>
internal sealed partial class Amqp091Connection
{
    private void SendStart()
    {
        var capabilities = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["publisher_confirms"] = true,
            ["exchange_exchange_bindings"] = true,
            ["basic.nack"] = true,
            ["consumer_cancel_notify"] = true,
            ["connection.blocked"] = true,
            ["consumer_priorities"] = true,
            ["authentication_failure_close"] = true,
            ["per_consumer_qos"] = true,
            ["direct_reply_to"] = true,
        };
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["product"] = "Omnibus",
            ["version"] = typeof(Amqp091Connection).Assembly.GetName().Version?.ToString() ?? "0",
            ["platform"] = ".NET",
            ["copyright"] = "Omnibus contributors",
            ["information"] = "A broker for Service Bus, RabbitMQ, Kafka and SQS/SNS clients",
            ["cluster_name"] = "omnibus",
            ["capabilities"] = capabilities,
        };
        SendMethod(0, MethodIds.ConnectionStart, w => w.Octet(0).Octet(9).Table(properties).LongString("PLAIN AMQPLAIN"u8).LongString("en_US"u8));
    }

    private void HandleConnectionMethod(ReadOnlySpan<byte> payload)
    {
        uint id = MethodReader.IdOf(payload);
        WireReader args = MethodReader.Arguments(payload);
        switch (id)
        {
            case MethodIds.ConnectionStartOk when _state == State.AwaitingStartOk:
                OnStartOk(ref args);
                break;
            case MethodIds.ConnectionTuneOk when _state == State.AwaitingTuneOk:
                OnTuneOk(ref args);
                break;
            case MethodIds.ConnectionOpen when _state == State.AwaitingOpen:
                OnOpen(ref args);
                break;
            case MethodIds.ConnectionClose:
                _state = State.Closing;
                SendMethod(0, MethodIds.ConnectionCloseOk);
                _stop.Cancel();
                break;
            case MethodIds.ConnectionUpdateSecret:
                SendMethod(0, MethodIds.ConnectionUpdateSecretOk);
                break;
            case MethodIds.ConnectionBlocked or MethodIds.ConnectionUnblocked:
                break;
            default:
                throw new Amqp091Exception(ReplyCodes.CommandInvalid, $"COMMAND_INVALID - unexpected method {MethodIds.ClassOf(id)}/{MethodIds.MethodOf(id)} on channel 0", true, MethodIds.ClassOf(id), MethodIds.MethodOf(id));
        }
    }

    private void OnStartOk(ref WireReader args)
    {
        Dictionary<string, object?> clientProperties = args.ReadTable();
        if (clientProperties.TryGetValue("capabilities", out object? caps) && caps is Dictionary<string, object?> table)
        {
            _clientCapabilities = table;
        }
        string mechanism = args.ReadShortString();
        byte[] response = args.ReadLongStringBytes();
        args.ReadShortString(); // locale
        (string? user, string? password) = mechanism switch
        {
            "PLAIN" => ParsePlain(response),
            "AMQPLAIN" => ParseAmqPlain(response),
            _ => (null, null),
        };
        switch (Amqp091Users.Check(Options, user, password, (_context.RemoteEndPoint as IPEndPoint)?.Address))
        {
            case LoginOutcome.BadCredentials:
                RefuseLogin($"ACCESS_REFUSED - Login was refused using authentication mechanism {mechanism}. For details see the broker logfile.");
                return;
            case LoginOutcome.GuestFromRemote:
                RefuseLogin("ACCESS_REFUSED - user 'guest' can only connect via localhost");
                return;
        }
        Caller = new CallerIdentity(user!, "amqp091-" + mechanism.ToLowerInvariant());
        AuthMechanism = mechanism;
        ClientProperties = clientProperties;
        _state = State.AwaitingTuneOk;
        SendMethod(0, MethodIds.ConnectionTune, w => w.Short(Options.ChannelMax).Long(Options.FrameMax).Short((ushort)Options.Heartbeat.TotalSeconds));
    }

    private void RefuseLogin(string text)
    {
        if (ClientHas("authentication_failure_close"))
        {
            CloseConnection(new Amqp091Exception(ReplyCodes.AccessRefused, text, true, 10, 11));
        }
        else
        {
            _state = State.Closing;
            _stop.Cancel();
        }
    }

    private static (string?, string?) ParsePlain(byte[] response)
    {
        // authzid \0 authcid \0 password
        string[] parts = Encoding.UTF8.GetString(response).Split('\0');
        return parts.Length == 3 ? (parts[1], parts[2]) : (null, null);
    }

    private static (string?, string?) ParseAmqPlain(byte[] response)
    {
        // A field table without its length prefix.
        byte[] framed = new byte[response.Length + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed, (uint)response.Length);
        response.CopyTo(framed, 4);
        var reader = new WireReader(framed);
        Dictionary<string, object?> table = reader.ReadTable();
        return (table.GetValueOrDefault("LOGIN") as string, table.GetValueOrDefault("PASSWORD") as string);
    }

    private void OnTuneOk(ref WireReader args)
    {
        ushort channelMax = args.ReadShort();
        uint frameMax = args.ReadLong();
        ushort heartbeat = args.ReadShort();
        if (frameMax != 0 && (frameMax < 4096 || frameMax > Options.FrameMax))
        {
            throw new Amqp091Exception(ReplyCodes.NotAllowed, $"NOT_ALLOWED - frame_max {frameMax} is outside 4096..{Options.FrameMax}", true, 10, 31);
        }
        if (channelMax > Options.ChannelMax)
        {
            throw new Amqp091Exception(ReplyCodes.NotAllowed, $"NOT_ALLOWED - channel_max {channelMax} is above {Options.ChannelMax}", true, 10, 31);
        }
        FrameMax = frameMax == 0 ? Options.FrameMax : frameMax;
        ChannelMax = channelMax == 0 ? Options.ChannelMax : channelMax;
        Heartbeat = heartbeat;
        _state = State.AwaitingOpen;
        if (heartbeat > 0)
        {
            TimeSpan interval = TimeSpan.FromSeconds(heartbeat) / 2;
            _ = Heartbeats.RunAsync(Writer, interval, SendHeartbeat, Clock, Stopping);
            _ = WatchPeerAsync(TimeSpan.FromSeconds(heartbeat));
        }
    }

    private void OnOpen(ref WireReader args)
    {
        string vhost = args.ReadShortString();
        if (!_registry.Vhosts.TryGet(vhost, out Vhost? opened))
        {
            throw new Amqp091Exception(ReplyCodes.NotAllowed, $"NOT_ALLOWED - vhost {vhost} not found", true, 10, 40);
        }
        _vhost = opened;
        _state = State.Open;
        ConnectedAt = Clock.GetUtcNow();
        _registry.Add(this);
        Transport.TransportExtensions.Authentication(_context).MarkAuthenticated();
        SendMethod(0, MethodIds.ConnectionOpenOk, w => w.ShortString(""));
        WatchStorageSpace();
    }
}
