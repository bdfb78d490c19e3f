using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Omnibus.Aws.Signing;
using Omnibus.Aws.Sns;
using Omnibus.Aws.Sqs;
using Omnibus.Core.Security;

namespace Omnibus.Aws.Http;

/// <summary>
/// One HTTP request on the AWS endpoint: the body read (bounded), the SigV4 signature verified, the action run,
/// and its answer or its error written. A form post (<c>application/x-www-form-urlencoded</c>) is the query
/// protocol, which serves SNS (AwsRequestHandler.Query.cs); anything else is the SQS JSON protocol
/// (<c>X-Amz-Target: AmazonSQS.&lt;Action&gt;</c>). Any failure is answered and contained: the endpoint keeps serving.
/// </summary>
internal sealed partial class AwsRequestHandler(SqsService sqs, SnsService sns, AwsOptions options, TimeProvider clock, ILogger<AwsRequestHandler> logger)
{
    private const string JsonContentType = "application/x-amz-json-1.0";
    private const string SqsTargetPrefix = "AmazonSQS.";
    private readonly SigV4Verifier _verifier = new(options.Credentials, clock, options.MaxClockSkew);

    public Task HandleAsync(HttpContext context) => IsQueryProtocol(context.Request) ? HandleQueryAsync(context) : HandleJsonAsync(context);

    private async Task HandleJsonAsync(HttpContext context)
    {
        string requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        string action = "";
        try
        {
            byte[] body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            SignatureCheck check = _verifier.Verify(ToSignedRequest(context, body));
            if (check.Failure is { } failure)
            {
                throw new SqsException(failure switch
                {
                    SignatureFailure.Missing => SqsError.MissingAuthenticationToken,
                    SignatureFailure.Malformed => SqsError.IncompleteSignature,
                    SignatureFailure.UnknownKey => SqsError.InvalidClientTokenId,
                    _ => SqsError.SignatureDoesNotMatch,
                }, check.Message);
            }
            string target = context.Request.Headers["x-amz-target"].ToString();
            if (!target.StartsWith(SqsTargetPrefix, StringComparison.Ordinal) || !sqs.Knows(target[SqsTargetPrefix.Length..]))
            {
                throw new SqsException(SqsError.UnknownOperation, target.Length == 0
                    ? "Only the SQS JSON protocol (X-Amz-Target: AmazonSQS.<Action>) is served on this endpoint."
                    : $"Unknown operation '{target}'.");
            }
            action = target[SqsTargetPrefix.Length..];
            using JsonDocument document = Parse(body);
            var call = new SqsCall(new JsonArgs(document.RootElement), new CallerIdentity(check.AccessKeyId, "aws-sigv4"), check.Region,
                $"{context.Request.Scheme}://{context.Request.Host}", context.RequestAborted);
            var buffer = new ArrayBufferWriter<byte>(256);
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                await sqs.RunAsync(action, call, writer).ConfigureAwait(false);
            }
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.ContentType = JsonContentType;
            context.Response.ContentLength = buffer.WrittenCount;
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SqsException e)
        {
            await WriteErrorAsync(context, e.Error, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client is gone; nothing to answer
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnexpected(logger, action, e);
            await WriteErrorAsync(context, SqsError.InternalFailure, "The request processing has failed because of an unknown error.").ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxRequestBytes)
        {
            throw TooLarge();
        }
        using var memory = new MemoryStream(request.ContentLength is { } n ? (int)n : 1024);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (memory.Length + read > options.MaxRequestBytes)
                {
                    throw TooLarge();
                }
                memory.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return memory.ToArray();
    }

    private SqsException TooLarge() => new(SqsError.RequestEntityTooLarge, $"The request body is larger than {options.MaxRequestBytes} bytes.");

    private static JsonDocument Parse(byte[] body)
    {
        try
        {
            JsonDocument document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new SqsException(SqsError.SerializationException, "The request body must be a JSON object.");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new SqsException(SqsError.SerializationException, $"The request body is not valid JSON: {e.Message}");
        }
    }

    private static SignedRequest ToSignedRequest(HttpContext context, byte[] body)
    {
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        int q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        string rawPath = q < 0 ? rawTarget : rawTarget[..q];
        var query = new List<KeyValuePair<string, string>>();
        if (q >= 0)
        {
            foreach (string pair in rawTarget[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string key = eq < 0 ? pair : pair[..eq];
                string value = eq < 0 ? "" : pair[(eq + 1)..];
                query.Add(new(Uri.UnescapeDataString(key), Uri.UnescapeDataString(value)));
            }
        }
        IHeaderDictionary headers = context.Request.Headers;
        return new SignedRequest(context.Request.Method, rawPath, query,
            name => headers.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues v) ? string.Join(',', v.ToArray()) : null,
            SigV4.PayloadHash(body));
    }

    /// <summary>
    /// An error as the JSON protocol has it: the status, <c>x-amzn-query-error: Code;Sender</c> (the legacy code
    /// the SDKs of the query era know), and <c>{"__type": "com.amazonaws.sqs#Shape", "message": ...}</c>.
    /// </summary>
    private static async Task WriteErrorAsync(HttpContext context, SqsError error, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-query-error"] = $"{error.Code};{(error.SenderFault ? "Sender" : "Receiver")}";
        var buffer = new ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", "com.amazonaws.sqs#" + error.Shape);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "SQS action '{Action}' failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string action, Exception exception);
}
