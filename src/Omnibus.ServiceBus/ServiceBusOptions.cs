namespace Omnibus.ServiceBus;

/// <summary>Settings of the Service Bus dialect. Defaults are the emulator's, so its connection string works unchanged.</summary>
public sealed class ServiceBusOptions
{
    /// <summary>SAS key names and their keys; a token signed with any of them is accepted, over AMQP and HTTP alike.</summary>
    public IDictionary<string, string> SharedAccessKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["RootManageSharedAccessKey"] = "SAS_KEY_VALUE",
    };

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        foreach (KeyValuePair<string, string> key in SharedAccessKeys)
        {
            if (string.IsNullOrEmpty(key.Key) || string.IsNullOrEmpty(key.Value))
            {
                throw new ArgumentException("SAS key names and keys must not be empty.", nameof(SharedAccessKeys));
            }
        }
    }
}
