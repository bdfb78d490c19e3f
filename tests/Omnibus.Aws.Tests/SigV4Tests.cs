using Microsoft.Extensions.Time.Testing;
using Omnibus.Aws.Signing;

namespace Omnibus.Aws.Tests;

/// <summary>Signature Version 4 as pure code, checked against the example AWS publishes (IAM ListUsers, 2015-08-30).</summary>
public sealed class SigV4Tests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly KeyValuePair<string, string>[] Query = [new("Action", "ListUsers"), new("Version", "2010-05-08")];
    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
        new("host", "iam.amazonaws.com"),
        new("x-amz-date", "20150830T123600Z"),
    ];

    [Fact]
    public void The_canonical_request_of_the_published_example_hashes_to_the_published_value()
    {
        string canonical = SigV4.CanonicalRequest("GET", "/", Query, Headers, SigV4.EmptyPayloadHash);
        Assert.Equal("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", SigV4.PayloadHash(System.Text.Encoding.UTF8.GetBytes(canonical)));
    }

    [Fact]
    public void The_signing_key_and_signature_of_the_published_example_are_the_published_ones()
    {
        byte[] key = SigV4.SigningKey(Secret, "20150830", "us-east-1", "iam");
        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", SigV4.Hex(key));
        string canonical = SigV4.CanonicalRequest("GET", "/", Query, Headers, SigV4.EmptyPayloadHash);
        string signature = SigV4.Signature(key, SigV4.StringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical));
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [Fact]
    public void Query_pairs_are_encoded_and_sorted_and_path_segments_encoded_once_more()
    {
        Assert.Equal("a=1&b=x%20y&b=z&c%2Fd=%2B", SigV4.CanonicalQuery([new("b", "z"), new("c/d", "+"), new("b", "x y"), new("a", "1")]));
        Assert.Equal("/000000000000/my%2520queue", SigV4.CanonicalUri("/000000000000/my%20queue"));
        Assert.Equal("a b c", SigV4.TrimValue("  a   b c "));
    }

    private static SigV4Verifier Verifier(DateTimeOffset now) =>
        new(new Dictionary<string, string> { ["AKIDEXAMPLE"] = Secret }, new FakeTimeProvider(now), TimeSpan.FromMinutes(15));

    private static SignedRequest Request(string authorization) => new("GET", "/", Query,
        name => name == "authorization" ? authorization : Headers.FirstOrDefault(h => h.Key == name).Value, SigV4.EmptyPayloadHash);

    private const string GoodAuthorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    [Fact]
    public void The_verifier_accepts_the_published_example_within_the_clock_skew()
    {
        SignatureCheck check = Verifier(new DateTimeOffset(2015, 8, 30, 12, 40, 0, TimeSpan.Zero)).Verify(Request(GoodAuthorization));
        Assert.Null(check.Failure);
        Assert.Equal(("AKIDEXAMPLE", "us-east-1", "iam"), (check.AccessKeyId, check.Region, check.Service));
    }

    [Fact]
    public void The_verifier_refuses_a_changed_signature_an_unknown_key_an_old_date_and_a_missing_header()
    {
        var now = new DateTimeOffset(2015, 8, 30, 12, 40, 0, TimeSpan.Zero);
        Assert.Equal(SignatureFailure.Mismatch, Verifier(now).Verify(Request(GoodAuthorization[..^1] + "8")).Failure);
        Assert.Equal(SignatureFailure.UnknownKey, Verifier(now).Verify(Request(GoodAuthorization.Replace("AKIDEXAMPLE", "OTHER", StringComparison.Ordinal))).Failure);
        Assert.Equal(SignatureFailure.Mismatch, Verifier(now.AddMinutes(30)).Verify(Request(GoodAuthorization)).Failure);
        Assert.Equal(SignatureFailure.Missing, Verifier(now).Verify(new SignedRequest("GET", "/", [], _ => null, SigV4.EmptyPayloadHash)).Failure);
        Assert.Equal(SignatureFailure.Malformed, Verifier(now).Verify(Request("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request")).Failure);
    }

    [Fact]
    public void A_presigned_query_is_verified_with_its_own_parameters_and_expiry()
    {
        var now = new DateTimeOffset(2015, 8, 30, 12, 37, 0, TimeSpan.Zero);
        KeyValuePair<string, string>[] query =
        [
            .. Query,
            new("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            new("X-Amz-Credential", "AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request"),
            new("X-Amz-Date", "20150830T123600Z"),
            new("X-Amz-Expires", "60"),
            new("X-Amz-SignedHeaders", "host"),
        ];
        string canonical = SigV4.CanonicalRequest("GET", "/", query, [new("host", "iam.amazonaws.com")], SigV4.EmptyPayloadHash);
        string signature = SigV4.Signature(SigV4.SigningKey(Secret, "20150830", "us-east-1", "iam"), SigV4.StringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical));
        SignedRequest Presigned(string sig) => new("GET", "/", [.. query, new("X-Amz-Signature", sig)], name => name == "host" ? "iam.amazonaws.com" : null, SigV4.EmptyPayloadHash);
        Assert.Null(Verifier(now).Verify(Presigned(signature)).Failure);
        Assert.Equal(SignatureFailure.Mismatch, Verifier(now).Verify(Presigned(new string('0', 64))).Failure);
        Assert.Equal(SignatureFailure.Mismatch, Verifier(now.AddMinutes(2)).Verify(Presigned(signature)).Failure);
    }
}
