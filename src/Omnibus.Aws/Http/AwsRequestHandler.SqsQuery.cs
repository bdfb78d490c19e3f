using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omnibus.Aws.Signing;
using Omnibus.Aws.Sns;
using Omnibus.Aws.Sqs;
using Omnibus.Aws.Sqs.Query;
using Omnibus.Core.Security;

namespace Omnibus.Aws.Http;

/// <summary>
/// SQS's query protocol (the AWS CLI, the SDKs of the query era): the form read into the JSON protocol's
/// request, the same SQS action run, its JSON answer written as the query protocol's XML.
/// </summary>
internal sealed partial class AwsRequestHandler
{
    /// <summary>A form post is SQS's when its action is SQS's and it is signed for SQS (both serve AddPermission).</summary>
    private bool IsSqsQuery(SignatureCheck check, string action) =>
        sqs.Knows(action) && (check.Service == "sqs" || !sns.Knows(action));

    private async Task RunSqsQueryAsync(HttpContext context, QueryArgs args, string action, SignatureCheck check, string requestId)
    {
        byte[] xml;
        int status = (int)HttpStatusCode.OK;
        try
        {
            using JsonDocument document = JsonDocument.Parse(SqsQueryRequest.ToJson(action, args.Values));
            var call = new SqsCall(new JsonArgs(document.RootElement), new CallerIdentity(check.AccessKeyId, "aws-sigv4"), check.Region,
                $"{context.Request.Scheme}://{context.Request.Host}", context.RequestAborted);
            var buffer = new ArrayBufferWriter<byte>(256);
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                await sqs.RunAsync(action, call, writer).ConfigureAwait(false);
            }
            xml = SqsQueryResponse.Success(action, buffer.WrittenSpan, requestId);
        }
        catch (SqsException e)
        {
            xml = SqsQueryResponse.Error(e.Error, e.Message, requestId);
            status = e.Error.Status;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = SqsQueryResponse.ContentType;
        context.Response.ContentLength = xml.Length;
        await context.Response.Body.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
    }
}
