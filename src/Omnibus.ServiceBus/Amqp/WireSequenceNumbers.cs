namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Service Bus numbers messages from 1 (the .NET SDK's first peek asks for "from 1"); the core's
/// logs number from 0. The dialect adds one on the way out and takes it off on the way in.
/// </summary>
internal static class WireSequenceNumbers
{
    public static long ToWire(long coreSequence) => coreSequence < 0 ? coreSequence : coreSequence + 1;

    public static long FromWire(long wireSequence) => wireSequence <= 0 ? 0 : wireSequence - 1;
}
