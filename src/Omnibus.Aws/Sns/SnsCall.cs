using Omnibus.Core.Security;

namespace Omnibus.Aws.Sns;

/// <summary>One decoded SNS request: its parameters, who signed it, the region of its credential scope and the base URL the client reached.</summary>
internal sealed record SnsCall(QueryArgs Args, CallerIdentity Caller, string Region, string BaseUrl, CancellationToken Aborted);
