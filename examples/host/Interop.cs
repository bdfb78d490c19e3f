using Azure.Messaging.ServiceBus;

/// <summary>
/// The .NET half of the SDK interop check: one message with every kind of field sent with the
/// .NET SDK for the JS test to read, and the JS test's message read back with the .NET SDK.
/// </summary>
internal static class Interop
{
    public static string ConnectionString(int port) =>
        $"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    public static async Task SendFromDotNetAsync(string connectionString)
    {
        await using var client = new ServiceBusClient(connectionString);
        await using ServiceBusSender sender = client.CreateSender("interop-dotnet-to-js");
        await sender.SendMessageAsync(new ServiceBusMessage(BinaryData.FromString("{\"from\":\"dotnet\"}"))
        {
            MessageId = "dotnet-1",
            CorrelationId = "corr-1",
            ContentType = "application/json",
            Subject = "interop",
            To = "js",
            ReplyTo = "dotnet-replies",
            SessionId = null,
            TimeToLive = TimeSpan.FromMinutes(30),
            ApplicationProperties =
            {
                ["text"] = "hello",
                ["int"] = 42,
                ["long"] = 1234567890123L,
                ["double"] = 2.5,
                ["bool"] = true,
                ["when"] = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc),
            },
        });
    }

    public static async Task<int> VerifyFromJavaScriptAsync(string connectionString)
    {
        await using var client = new ServiceBusClient(connectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("interop-js-to-dotnet");
        ServiceBusReceivedMessage? m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        var problems = new List<string>();
        if (m is null)
        {
            Console.Error.WriteLine("interop: no message from JavaScript");
            return 1;
        }
        void Check(string what, object? expected, object? actual)
        {
            if (!Equals(expected, actual))
            {
                problems.Add($"{what}: expected {expected}, got {actual}");
            }
        }
        Check("body", "{\"from\":\"js\"}", m.Body.ToString());
        Check("message id", "js-1", m.MessageId);
        Check("correlation id", "corr-2", m.CorrelationId);
        Check("content type", "application/json", m.ContentType);
        Check("subject", "interop", m.Subject);
        Check("to", "dotnet", m.To);
        Check("reply to", "js-replies", m.ReplyTo);
        Check("time to live", TimeSpan.FromMinutes(30), m.TimeToLive);
        Check("text", "hi", m.ApplicationProperties.GetValueOrDefault("text"));
        Check("bool", true, m.ApplicationProperties.GetValueOrDefault("bool"));
        Check("double", 2.5, m.ApplicationProperties.GetValueOrDefault("double"));
        Check("when", new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), m.ApplicationProperties.GetValueOrDefault("when"));
        object? number = m.ApplicationProperties.GetValueOrDefault("int");
        Check("int", 42L, number is null ? null : Convert.ToInt64(number, System.Globalization.CultureInfo.InvariantCulture));
        await receiver.CompleteMessageAsync(m);
        foreach (string problem in problems)
        {
            Console.Error.WriteLine("interop: " + problem);
        }
        Console.WriteLine(problems.Count == 0 ? "interop: the JavaScript message reads the same in .NET" : "interop: mismatches");
        return problems.Count == 0 ? 0 : 1;
    }
}
