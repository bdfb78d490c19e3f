using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Omnibus.Aws.Signing;
using Omnibus.Aws.Sns;
using Omnibus.Aws.Sqs;
using Omnibus.Core.Security;

namespace Omnibus.Aws.Http;

/// <summary>
/// The query protocol: a form post with <c>Action=&lt;name&gt;</c>, answered in XML. It serves SNS (both SDKs
/// still speak it for SNS) and SQS's own query protocol (the AWS CLI, older SDKs; AwsRequestHandler.SqsQuery.cs).
/// </summary>
internal sealed partial class AwsRequestHandler
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    private static bool IsQueryProtocol(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase);

    private async Task HandleQueryAsync(HttpContext context)
    {
        string requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        string action = "";
        try
        {
            byte[] body;
            SignatureCheck check;
            try
            {
                body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
                check = _verifier.Verify(ToSignedRequest(context, body));
            }
            catch (SqsException e)
            {
                throw new SnsException(new SnsError(e.Error.Code, e.Error.Status), e.Message);
            }
            if (check.Failure is { } failure)
            {
                (string code, int status) = failure switch
                {
                    SignatureFailure.Missing => ("MissingAuthenticationToken", 403),
                    SignatureFailure.Malformed => ("IncompleteSignature", 400),
                    SignatureFailure.UnknownKey => ("InvalidClientTokenId", 403),
                    _ => ("SignatureDoesNotMatch", 403),
                };
                throw new SnsException(new SnsError(code, status), check.Message);
            }
            QueryArgs args = QueryArgs.Parse(body);
            action = args.String("Action") ?? "";
            if (IsSqsQuery(check, action))
            {
                await RunSqsQueryAsync(context, args, action, check, requestId).ConfigureAwait(false);
                return;
            }
            if (!sns.Knows(action))
            {
                throw new SnsException(SnsError.InvalidAction, action.Length == 0 ? "The request must contain the parameter Action." : $"The action {action} is not valid for this endpoint.");
            }
            var call = new SnsCall(args, new CallerIdentity(check.AccessKeyId, "aws-sigv4"), check.Region,
                $"{context.Request.Scheme}://{context.Request.Host}", context.RequestAborted);
            System.Action<System.Xml.XmlWriter>? result = await sns.RunAsync(action, call).ConfigureAwait(false);
            byte[] xml = SnsXml.Response(action, requestId, result);
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.ContentType = SnsXml.ContentType;
            context.Response.ContentLength = xml.Length;
            await context.Response.Body.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SnsException e)
        {
            await WriteQueryErrorAsync(context, e.Error, e.Message, requestId).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client is gone; nothing to answer
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnexpectedQuery(logger, action, e);
            await WriteQueryErrorAsync(context, SnsError.InternalError, "The request processing has failed because of an unknown error.", requestId).ConfigureAwait(false);
        }
    }

    private static async Task WriteQueryErrorAsync(HttpContext context, SnsError error, string message, string requestId)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        byte[] xml = SnsXml.Error(error, message, requestId);
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = SnsXml.ContentType;
        context.Response.ContentLength = xml.Length;
        await context.Response.Body.WriteAsync(xml, CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "SNS action '{Action}' failed unexpectedly")]
    private static partial void LogUnexpectedQuery(ILogger logger, string action, Exception exception);
}
