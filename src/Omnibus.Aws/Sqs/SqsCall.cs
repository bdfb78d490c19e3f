using Omnibus.Core.Security;

namespace Omnibus.Aws.Sqs;

/// <summary>One decoded SQS request: its arguments, who signed it, the region of its credential scope and the base URL the client reached.</summary>
internal sealed record SqsCall(JsonArgs Args, CallerIdentity Caller, string Region, string BaseUrl, CancellationToken Aborted);
