namespace Omnibus.Amqp.Types;

/// <summary>A typed record that writes itself (descriptor included), so it can sit inside generic values.</summary>
public interface IAmqpEncodable
{
    void Encode(ref AmqpWriter writer);
}
