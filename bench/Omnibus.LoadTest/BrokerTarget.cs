namespace Omnibus.LoadTest;

/// <summary>Where a workload runs: a broker's AMQP endpoint, the entity address, and credentials.</summary>
internal sealed record BrokerTarget(string Name, string Host, int Port, string Address, string? User, string? Password, bool NeedsCbs, string? KeyName = null, string? Key = null)
{
    /// <summary>AMQPNetLite address (SASL PLAIN when a user is given).</summary>
    public string LiteAddress => User is null
        ? $"amqp://{Host}:{Port}"
        : $"amqp://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password ?? "")}@{Host}:{Port}";

    /// <summary>A Service Bus connection string for the official SDK (emulator mode: plain TCP).</summary>
    public string ServiceBusConnectionString =>
        $"Endpoint=sb://{Host}:{Port};SharedAccessKeyName={KeyName};SharedAccessKey={Key};UseDevelopmentEmulator=true;";
}
