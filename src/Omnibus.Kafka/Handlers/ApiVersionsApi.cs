using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// ApiVersions (v0–3): the ranges of <see cref="ApiVersionTable"/>. A version this broker does not
/// serve is answered in the v0 format with UNSUPPORTED_VERSION and the ranges, so the client asks again
/// with one it finds there. v3 carries the client's software name and version, kept for the connection list.
/// </summary>
internal static class ApiVersionsApi
{
    public static bool Handle(KafkaRequest request)
    {
        if (!ApiVersionTable.IsSupported((short)ApiKey.ApiVersions, request.Version))
        {
            var v0 = new KafkaWriter(request.Output, flexible: false);
            v0.Int16((short)ErrorCode.UnsupportedVersion);
            WriteRanges(v0);
            request.ResponseHeaderTags = false;
            return true;
        }
        if (request.Version >= 3)
        {
            KafkaReader r = request.Reader;
            request.Client.SoftwareName = r.String();
            request.Client.SoftwareVersion = r.String();
        }
        KafkaWriter w = request.Writer;
        w.Int16((short)ErrorCode.None);
        WriteRanges(w);
        if (request.Version >= 1)
        {
            w.Int32(0);
        }
        w.Tags();
        return true;
    }

    private static void WriteRanges(KafkaWriter w) =>
        w.Array(ApiVersionTable.Supported, (w, r) => w.Int16((short)r.Key).Int16(r.Min).Int16(r.Max));
}
