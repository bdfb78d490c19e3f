using Amazon.SQS;
using Amazon.SQS.Model;

namespace Omnibus.Aws.Tests;

/// <summary>Receives that wait a little for what the broker's sweep makes available again.</summary>
public static class Receive
{
    public static async Task<Message> OneAsync(AmazonSQSClient sqs, string url, int? visibility = null, List<string>? attributes = null)
    {
        var request = new ReceiveMessageRequest(url)
        {
            WaitTimeSeconds = 5,
            VisibilityTimeout = visibility,
            MessageSystemAttributeNames = attributes ?? ["All"],
            MessageAttributeNames = ["All"],
        };
        for (int i = 0; i < 3; i++)
        {
            if ((await sqs.ReceiveMessageAsync(request)).Messages is [var m, ..])
            {
                return m;
            }
        }
        throw new Xunit.Sdk.XunitException($"no message arrived in {url}");
    }
}
