using System.Text;

namespace Omnibus.Aws.Sqs;

/// <summary>SQS's character rule for bodies and string attributes: the characters XML allows (#x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF).</summary>
internal static class MessageText
{
    public static bool IsValid(string text)
    {
        foreach (Rune r in text.EnumerateRunes())
        {
            int c = r.Value;
            if (!(c is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF)))
            {
                return false;
            }
        }
        // EnumerateRunes yields U+FFFD for a lone surrogate: refuse those too.
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]) && !(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) && i++ >= 0))
            {
                return false;
            }
        }
        return true;
    }
}
