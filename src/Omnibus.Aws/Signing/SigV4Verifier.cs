using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Aws.Signing;

/// <summary>What a request offers for signature checking: its method, raw path, decoded query pairs, headers and body hash.</summary>
internal sealed record SignedRequest(string Method, string RawPath, IReadOnlyList<KeyValuePair<string, string>> Query, Func<string, string?> Header, string BodyHash);

/// <summary>Why a request's signature was refused.</summary>
internal enum SignatureFailure
{
    /// <summary>No Authorization header and no presigned query.</summary>
    Missing,

    /// <summary>The Authorization header or query parameters cannot be read.</summary>
    Malformed,

    /// <summary>The access key id is not one of the configured keys.</summary>
    UnknownKey,

    /// <summary>The signature does not match, or the signing time is too far from now.</summary>
    Mismatch,
}

/// <summary>A verified caller (access key, and the region and service of its credential scope), or the reason for refusal.</summary>
internal readonly record struct SignatureCheck(SignatureFailure? Failure, string Message, string AccessKeyId, string Region, string Service)
{
    public static SignatureCheck Refused(SignatureFailure failure, string message) => new(failure, message, "", "", "");
}

/// <summary>
/// Verifies AWS Signature Version 4 in both forms (the Authorization header, and the presigned query with
/// X-Amz-Signature) against the configured key pairs; any region and service in the credential scope are
/// accepted (one broker serves them all). The one place requests are authenticated.
/// </summary>
internal sealed class SigV4Verifier(IDictionary<string, string> credentials, TimeProvider clock, TimeSpan maxSkew)
{
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public SignatureCheck Verify(SignedRequest request)
    {
        string? authorization = request.Header("authorization");
        if (authorization is not null)
        {
            return VerifyHeader(request, authorization);
        }
        if (request.Query.Any(p => p.Key == "X-Amz-Signature"))
        {
            return VerifyQuery(request);
        }
        return SignatureCheck.Refused(SignatureFailure.Missing, "Request is missing Authentication Token");
    }

    private SignatureCheck VerifyHeader(SignedRequest request, string authorization)
    {
        if (!authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            return SignatureCheck.Refused(SignatureFailure.Malformed, "Authorization header requires the AWS4-HMAC-SHA256 algorithm.");
        }
        string? credential = null, signedHeaders = null, signature = null;
        foreach (string part in authorization[(SigV4.Algorithm.Length + 1)..].Split(','))
        {
            string p = part.Trim();
            int eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            string value = p[(eq + 1)..];
            switch (p[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }
        if (credential is null || signedHeaders is null || signature is null)
        {
            return SignatureCheck.Refused(SignatureFailure.Malformed, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        string? amzDate = request.Header("x-amz-date");
        if (amzDate is null)
        {
            return SignatureCheck.Refused(SignatureFailure.Malformed, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        string payloadHash = request.BodyHash;
        if (request.Header("x-amz-content-sha256") is { } declared && declared != "UNSIGNED-PAYLOAD" && !string.Equals(declared, payloadHash, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureCheck.Refused(SignatureFailure.Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        if (request.Header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
        {
            payloadHash = "UNSIGNED-PAYLOAD";
        }
        return Check(request, credential, signedHeaders, signature, amzDate, request.Query, payloadHash, expires: null);
    }

    private SignatureCheck VerifyQuery(SignedRequest request)
    {
        string? Q(string name) => request.Query.FirstOrDefault(p => p.Key == name).Value;
        if (Q("X-Amz-Algorithm") != SigV4.Algorithm || Q("X-Amz-Credential") is not { } credential || Q("X-Amz-SignedHeaders") is not { } signedHeaders
            || Q("X-Amz-Date") is not { } amzDate || Q("X-Amz-Signature") is not { } signature)
        {
            return SignatureCheck.Refused(SignatureFailure.Malformed, "A presigned request needs X-Amz-Algorithm (AWS4-HMAC-SHA256), X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Signature.");
        }
        TimeSpan? expires = null;
        if (Q("X-Amz-Expires") is { } e)
        {
            if (!int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds > 604800)
            {
                return SignatureCheck.Refused(SignatureFailure.Malformed, "X-Amz-Expires must be a number of seconds up to 604800.");
            }
            expires = TimeSpan.FromSeconds(seconds);
        }
        KeyValuePair<string, string>[] query = [.. request.Query.Where(p => p.Key != "X-Amz-Signature")];
        return Check(request, credential, signedHeaders, signature, amzDate, query, request.BodyHash, expires);
    }

    private SignatureCheck Check(SignedRequest request, string credential, string signedHeaders, string signature, string amzDate,
        IReadOnlyList<KeyValuePair<string, string>> query, string payloadHash, TimeSpan? expires)
    {
        // Credential=AKID/yyyyMMdd/region/service/aws4_request
        string[] scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request" || scope[0].Length == 0)
        {
            return SignatureCheck.Refused(SignatureFailure.Malformed, $"Credential should be scoped to a valid region and service: '{credential}'.");
        }
        (string keyId, string date, string region, string service) = (scope[0], scope[1], scope[2], scope[3]);
        if (!credentials.TryGetValue(keyId, out string? secret))
        {
            return SignatureCheck.Refused(SignatureFailure.UnknownKey, "The security token included in the request is invalid.");
        }
        if (!DateTimeOffset.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset signedAt))
        {
            return SignatureCheck.Refused(SignatureFailure.Malformed, $"X-Amz-Date '{amzDate}' is not in the form yyyyMMddTHHmmssZ.");
        }
        if (!amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return SignatureCheck.Refused(SignatureFailure.Mismatch, $"Credential date '{date}' does not match the signing date '{amzDate}'.");
        }
        DateTimeOffset now = clock.GetUtcNow();
        if (expires is { } validity)
        {
            if (now > signedAt + validity || signedAt - now > maxSkew)
            {
                return SignatureCheck.Refused(SignatureFailure.Mismatch, $"Signature expired: {amzDate} is outside its {validity.TotalSeconds:0} s validity.");
            }
        }
        else if ((now - signedAt).Duration() > maxSkew)
        {
            return SignatureCheck.Refused(SignatureFailure.Mismatch,
                $"Signature expired: {amzDate} is now earlier than {(now - maxSkew).ToString(AmzDateFormat, CultureInfo.InvariantCulture)} ({now.ToString(AmzDateFormat, CultureInfo.InvariantCulture)} - {maxSkew.TotalMinutes:0} min.)");
        }
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string name in signedHeaders.Split(';'))
        {
            if (name.Length == 0 || request.Header(name) is not { } value)
            {
                return SignatureCheck.Refused(SignatureFailure.Mismatch, $"The signed header '{name}' is not in the request.");
            }
            headers.Add(new(name, value));
        }
        string canonical = SigV4.CanonicalRequest(request.Method, request.RawPath, query, headers, payloadHash);
        string expected = SigV4.Signature(SigV4.SigningKey(secret, date, region, service), SigV4.StringToSign(amzDate, string.Join('/', scope[1..]), canonical));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
        {
            return SignatureCheck.Refused(SignatureFailure.Mismatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return new SignatureCheck(null, "", keyId, region, service);
    }
}
