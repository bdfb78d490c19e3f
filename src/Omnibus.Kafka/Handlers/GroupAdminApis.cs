using Omnibus.Core;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>DeleteGroups (v0–2): an empty group's membership and every offset it committed (the core's group offsets) go.</summary>
internal static class GroupAdminApis
{
    public static async Task<bool> DeleteGroupsAsync(KafkaRequest request)
    {
        List<string> groups = request.Reader.NullableStringArray() ?? [];
        KafkaServices services = request.Services;
        var answers = new List<(string Group, ErrorCode Error)>();
        foreach (string group in groups)
        {
            bool hasOffsets = services.Streams.FetchOffsets(group).Count > 0;
            ErrorCode error = string.IsNullOrEmpty(group) ? ErrorCode.InvalidGroupId : services.Groups.Delete(group, hasOffsets);
            if (error == ErrorCode.None && hasOffsets)
            {
                try
                {
                    await services.Streams.ResetOffsetsAsync(group).ConfigureAwait(false);
                }
                catch (MessagingException e)
                {
                    error = ErrorMapping.ToKafka(e.Code);
                }
            }
            answers.Add((group, error));
        }
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(answers, (w, a) => w.String(a.Group).Int16((short)a.Error));
        w.Tags();
        return true;
    }
}
