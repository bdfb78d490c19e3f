namespace Omnibus.Amqp091.Codec;

/// <summary>Class and method ids (a method is <c>class &lt;&lt; 16 | method</c>), RabbitMQ's extensions included.</summary>
public static class MethodIds
{
    public const uint ConnectionStart = 10 << 16 | 10, ConnectionStartOk = 10 << 16 | 11, ConnectionSecure = 10 << 16 | 20, ConnectionSecureOk = 10 << 16 | 21,
        ConnectionTune = 10 << 16 | 30, ConnectionTuneOk = 10 << 16 | 31, ConnectionOpen = 10 << 16 | 40, ConnectionOpenOk = 10 << 16 | 41,
        ConnectionClose = 10 << 16 | 50, ConnectionCloseOk = 10 << 16 | 51, ConnectionBlocked = 10 << 16 | 60, ConnectionUnblocked = 10 << 16 | 61,
        ConnectionUpdateSecret = 10 << 16 | 70, ConnectionUpdateSecretOk = 10 << 16 | 71;

    public const uint ChannelOpen = 20 << 16 | 10, ChannelOpenOk = 20 << 16 | 11, ChannelFlow = 20 << 16 | 20, ChannelFlowOk = 20 << 16 | 21,
        ChannelClose = 20 << 16 | 40, ChannelCloseOk = 20 << 16 | 41;

    public const uint ExchangeDeclare = 40 << 16 | 10, ExchangeDeclareOk = 40 << 16 | 11, ExchangeDelete = 40 << 16 | 20, ExchangeDeleteOk = 40 << 16 | 21,
        ExchangeBind = 40 << 16 | 30, ExchangeBindOk = 40 << 16 | 31, ExchangeUnbind = 40 << 16 | 40, ExchangeUnbindOk = 40 << 16 | 51;

    public const uint QueueDeclare = 50 << 16 | 10, QueueDeclareOk = 50 << 16 | 11, QueueBind = 50 << 16 | 20, QueueBindOk = 50 << 16 | 21,
        QueuePurge = 50 << 16 | 30, QueuePurgeOk = 50 << 16 | 31, QueueDelete = 50 << 16 | 40, QueueDeleteOk = 50 << 16 | 41,
        QueueUnbind = 50 << 16 | 50, QueueUnbindOk = 50 << 16 | 51;

    public const uint BasicQos = 60 << 16 | 10, BasicQosOk = 60 << 16 | 11, BasicConsume = 60 << 16 | 20, BasicConsumeOk = 60 << 16 | 21,
        BasicCancel = 60 << 16 | 30, BasicCancelOk = 60 << 16 | 31, BasicPublish = 60 << 16 | 40, BasicReturn = 60 << 16 | 50,
        BasicDeliver = 60 << 16 | 60, BasicGet = 60 << 16 | 70, BasicGetOk = 60 << 16 | 71, BasicGetEmpty = 60 << 16 | 72,
        BasicAck = 60 << 16 | 80, BasicReject = 60 << 16 | 90, BasicRecoverAsync = 60 << 16 | 100, BasicRecover = 60 << 16 | 110,
        BasicRecoverOk = 60 << 16 | 111, BasicNack = 60 << 16 | 120;

    public const uint ConfirmSelect = 85 << 16 | 10, ConfirmSelectOk = 85 << 16 | 11;

    public const uint TxSelect = 90 << 16 | 10, TxSelectOk = 90 << 16 | 11, TxCommit = 90 << 16 | 20, TxCommitOk = 90 << 16 | 21,
        TxRollback = 90 << 16 | 30, TxRollbackOk = 90 << 16 | 31;

    public static ushort ClassOf(uint method) => (ushort)(method >> 16);

    public static ushort MethodOf(uint method) => (ushort)method;
}
