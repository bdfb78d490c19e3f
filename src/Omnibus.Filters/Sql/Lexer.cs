using System.Globalization;
using System.Text;

namespace Omnibus.Filters.Sql;

internal enum TokenKind : byte
{
    End,
    Identifier,        // regular identifier (not a keyword)
    DelimitedIdentifier, // [name] or "name"; Text holds the unescaped name
    Parameter,         // @name
    Integer,
    Decimal,           // 1.5, 2. , .5
    Approximate,       // 1.5E5
    String,
    Keyword,           // Text holds the upper-case keyword
    LeftParen,
    RightParen,
    Comma,
    Semicolon,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Equal,
    NotEqual,          // <> or !=
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, int Length)
{
    public bool IsKeyword(string keyword) => Kind == TokenKind.Keyword && Text == keyword;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => "string '" + Text + "'",
        TokenKind.Identifier => "identifier '" + Text + "'",
        TokenKind.DelimitedIdentifier => "identifier [" + Text + "]",
        TokenKind.Parameter => "parameter '" + Text + "'",
        TokenKind.Integer or TokenKind.Decimal or TokenKind.Approximate => "number " + Text,
        _ => "'" + Text + "'",
    };
}

/// <summary>Splits a filter or action expression into tokens; keywords are case-insensitive.</summary>
internal static class Lexer
{
    /// <summary>Reserved words: a regular identifier may not be one of these (use [delimited] instead).</summary>
    public static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IS", "NULL", "IN", "LIKE", "ESCAPE", "EXISTS", "TRUE", "FALSE", "SET", "REMOVE",
    };

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, string.Empty, text.Length, 0));
                return tokens;
            }

            var start = i;
            var c = text[i];
            if (char.IsLetter(c))
            {
                i++;
                while (i < text.Length && (text[i] == '_' || char.IsLetterOrDigit(text[i]))) i++;
                var word = text[start..i];
                tokens.Add(Keywords.Contains(word)
                    ? new Token(TokenKind.Keyword, word.ToUpperInvariant(), start, i - start)
                    : new Token(TokenKind.Identifier, word, start, i - start));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }

            switch (c)
            {
                case '\'':
                    tokens.Add(new Token(TokenKind.String, ReadQuoted(text, ref i, '\'', '\'', "string constant"), start, i - start));
                    continue;
                case '[':
                    tokens.Add(new Token(TokenKind.DelimitedIdentifier, ReadQuoted(text, ref i, '[', ']', "delimited identifier"), start, i - start));
                    continue;
                case '"':
                    tokens.Add(new Token(TokenKind.DelimitedIdentifier, ReadQuoted(text, ref i, '"', '"', "quoted identifier"), start, i - start));
                    continue;
                case '@':
                    i++;
                    while (i < text.Length && (text[i] == '_' || char.IsLetterOrDigit(text[i]))) i++;
                    if (i == start + 1) throw new FilterException(text, start, "expected a parameter name after '@'.");
                    tokens.Add(new Token(TokenKind.Parameter, text[start..i], start, i - start));
                    continue;
                case '(': tokens.Add(Single(TokenKind.LeftParen, "(", ref i)); continue;
                case ')': tokens.Add(Single(TokenKind.RightParen, ")", ref i)); continue;
                case ',': tokens.Add(Single(TokenKind.Comma, ",", ref i)); continue;
                case ';': tokens.Add(Single(TokenKind.Semicolon, ";", ref i)); continue;
                case '.': tokens.Add(Single(TokenKind.Dot, ".", ref i)); continue;
                case '+': tokens.Add(Single(TokenKind.Plus, "+", ref i)); continue;
                case '-': tokens.Add(Single(TokenKind.Minus, "-", ref i)); continue;
                case '*': tokens.Add(Single(TokenKind.Star, "*", ref i)); continue;
                case '/': tokens.Add(Single(TokenKind.Slash, "/", ref i)); continue;
                case '%': tokens.Add(Single(TokenKind.Percent, "%", ref i)); continue;
                case '=': tokens.Add(Single(TokenKind.Equal, "=", ref i)); continue;
                case '!':
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        i += 2;
                        tokens.Add(new Token(TokenKind.NotEqual, "!=", start, 2));
                        continue;
                    }
                    throw new FilterException(text, start, "unexpected character '!'; expected '!='.");
                case '<':
                    if (i + 1 < text.Length && text[i + 1] == '>')
                    {
                        i += 2;
                        tokens.Add(new Token(TokenKind.NotEqual, "<>", start, 2));
                    }
                    else if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        i += 2;
                        tokens.Add(new Token(TokenKind.LessOrEqual, "<=", start, 2));
                    }
                    else
                    {
                        tokens.Add(Single(TokenKind.Less, "<", ref i));
                    }
                    continue;
                case '>':
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        i += 2;
                        tokens.Add(new Token(TokenKind.GreaterOrEqual, ">=", start, 2));
                    }
                    else
                    {
                        tokens.Add(Single(TokenKind.Greater, ">", ref i));
                    }
                    continue;
                default:
                    throw new FilterException(text, start, $"unexpected character '{c}'.");
            }
        }
    }

    private static Token Single(TokenKind kind, string text, ref int i)
    {
        var token = new Token(kind, text, i, 1);
        i++;
        return token;
    }

    private static string ReadQuoted(string text, ref int i, char open, char close, string what)
    {
        var start = i;
        i++; // opening quote
        StringBuilder? sb = null;
        var runStart = i;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new FilterException(text, start, $"unterminated {what}; expected closing {close}.");
            }
            if (text[i] == close)
            {
                if (i + 1 < text.Length && text[i + 1] == close)
                {
                    // A doubled closing character stands for one of itself.
                    sb ??= new StringBuilder();
                    sb.Append(text, runStart, i - runStart + 1);
                    i += 2;
                    runStart = i;
                    continue;
                }
                var result = sb is null ? text[runStart..i] : sb.Append(text, runStart, i - runStart).ToString();
                i++;
                if (open != '\'' && result.Length == 0)
                {
                    throw new FilterException(text, start, $"empty {what}.");
                }
                return result;
            }
            i++;
        }
    }

    private static Token ReadNumber(string text, ref int i)
    {
        var start = i;
        var kind = TokenKind.Integer;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            kind = TokenKind.Decimal;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var save = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-')) i++;
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                kind = TokenKind.Approximate;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            }
            else
            {
                throw new FilterException(text, save, "expected digits in the exponent of a number.");
            }
        }
        if (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_'))
        {
            throw new FilterException(text, i, $"unexpected character '{text[i]}' after number.");
        }
        return new Token(kind, text[start..i], start, i - start);
    }

    public static double ParseDouble(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
