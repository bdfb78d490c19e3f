using Omnibus.Core.Entities;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

public sealed class EmulatorConfigTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "omnibus-emulator-tests", Guid.NewGuid().ToString("N"));

    public EmulatorConfigTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The sample from the Service Bus emulator's documentation, unchanged in shape.</summary>
    private const string EmulatorSample = """
    {
      "UserConfig": {
        "Namespaces": [
          {
            "Name": "sbemulatorns",
            "Queues": [
              {
                "Name": "queue.1",
                "Properties": {
                  "DeadLetteringOnMessageExpiration": false,
                  "DefaultMessageTimeToLive": "PT1H",
                  "DuplicateDetectionHistoryTimeWindow": "PT20S",
                  "ForwardDeadLetteredMessagesTo": "",
                  "ForwardTo": "",
                  "LockDuration": "PT1M",
                  "MaxDeliveryCount": 3,
                  "RequiresDuplicateDetection": false,
                  "RequiresSession": false
                }
              }
            ],
            "Topics": [
              {
                "Name": "topic.1",
                "Properties": {
                  "DefaultMessageTimeToLive": "PT1H",
                  "DuplicateDetectionHistoryTimeWindow": "PT20S",
                  "RequiresDuplicateDetection": false
                },
                "Subscriptions": [
                  {
                    "Name": "subscription.1",
                    "Properties": {
                      "DeadLetteringOnMessageExpiration": false,
                      "DefaultMessageTimeToLive": "PT1H",
                      "LockDuration": "PT1M",
                      "MaxDeliveryCount": 3,
                      "ForwardDeadLetteredMessagesTo": "",
                      "ForwardTo": "",
                      "RequiresSession": false
                    },
                    "Rules": [
                      {
                        "Name": "app-prop-filter-1",
                        "Properties": {
                          "FilterType": "Correlation",
                          "CorrelationFilter": {
                            "ContentType": "application/text",
                            "CorrelationId": "id1",
                            "Label": "subject1",
                            "MessageId": "msgid1",
                            "ReplyTo": "someQueue",
                            "ReplyToSessionId": "sessionId",
                            "SessionId": "session1",
                            "To": "xyz",
                            "Properties": { "prop1": "value1" }
                          }
                        }
                      }
                    ]
                  },
                  {
                    "Name": "subscription.2",
                    "Properties": { "LockDuration": "PT30S", "MaxDeliveryCount": 5 },
                    "Rules": [
                      {
                        "Name": "sql-filter-1",
                        "Properties": {
                          "FilterType": "Sql",
                          "SqlFilter": { "SqlExpression": "sys.MessageId = '123456' AND userProp1 = 'value1'" },
                          "Action": { "SqlExpression": "SET sys.To = 'Entity'" }
                        }
                      }
                    ]
                  }
                ]
              }
            ]
          }
        ],
        "Logging": { "Type": "File" }
      }
    }
    """;

    [Fact]
    public async Task The_emulator_config_creates_its_queues_topics_subscriptions_and_rules()
    {
        string file = Path.Combine(_dir, "Config.json");
        await File.WriteAllTextAsync(file, EmulatorSample);
        await using OmnibusServer server = Create(file);

        QueueDescription q = server.Broker.GetQueue("queue.1");
        Assert.Equal(TimeSpan.FromHours(1), q.DefaultMessageTimeToLive);
        Assert.Equal(TimeSpan.FromMinutes(1), q.LockDuration);
        Assert.Equal(3, q.MaxDeliveryCount);
        Assert.Null(q.ForwardTo);

        Assert.Equal(TimeSpan.FromHours(1), server.Broker.GetTopic("topic.1").DefaultMessageTimeToLive);
        Assert.Equal(5, server.Broker.GetSubscription("topic.1", "subscription.2").MaxDeliveryCount);

        RuleDescription correlation = Assert.Single(server.Broker.GetRules("topic.1", "subscription.1"));
        Assert.Equal("app-prop-filter-1", correlation.Name);
        Assert.Equal(RuleFilterKind.Correlation, correlation.Filter.Kind);
        Assert.Equal("subject1", correlation.Filter.Subject);
        Assert.Equal("value1", correlation.Filter.Properties!["prop1"]);

        RuleDescription sql = Assert.Single(server.Broker.GetRules("topic.1", "subscription.2"));
        Assert.Equal("sys.MessageId = '123456' AND userProp1 = 'value1'", sql.Filter.SqlExpression);
        Assert.Equal("SET sys.To = 'Entity'", sql.ActionSqlExpression);
    }

    [Fact]
    public async Task Starting_again_with_the_same_file_keeps_the_entities_and_their_messages()
    {
        string file = Path.Combine(_dir, "Config.json");
        await File.WriteAllTextAsync(file, EmulatorSample);
        await using (OmnibusServer first = Create(file))
        {
            await first.Broker.SendAsync("queue.1", [AdminClientQueueTests.Message("kept")]);
        }
        await using OmnibusServer second = Create(file);
        Assert.Single(second.Broker.GetReceivable("queue.1").Peek(0, 10));
        Assert.Single(second.Broker.GetRules("topic.1", "subscription.1"));
    }

    [Fact]
    public async Task A_name_service_bus_refuses_in_the_file_stops_start_up_naming_it_and_nothing_in_the_file_is_created()
    {
        string file = Path.Combine(_dir, "Config.json");
        await File.WriteAllTextAsync(file, """
        { "UserConfig": { "Namespaces": [ { "Name": "ns", "Queues": [ { "Name": "fine.1" }, { "Name": "not-fine-" } ], "Topics": [] } ] } }
        """);

        var e = Assert.Throws<StartupException>(() => Create(file));

        Assert.Equal(ExitCodes.BadConfiguration, e.ExitCode);
        Assert.Contains("'not-fine-' must start and end with a letter or a number", e.Message, StringComparison.Ordinal);
        await using OmnibusServer without = OmnibusServer.Create([$"--Omnibus:Storage:DataDirectory={Path.Combine(_dir, "data")}", "--Logging:LogLevel:Default=Warning"]);
        Assert.Empty(without.Broker.ListQueues());
    }

    private OmnibusServer Create(string file) => OmnibusServer.Create(
    [
        $"--Omnibus:Storage:DataDirectory={Path.Combine(_dir, "data")}",
        $"--Omnibus:Entities:ConfigFile={file}",
        "--Logging:LogLevel:Default=Warning",
    ]);
}
