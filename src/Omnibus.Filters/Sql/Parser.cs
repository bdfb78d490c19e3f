using System.Globalization;

namespace Omnibus.Filters.Sql;

/// <summary>
/// Recursive-descent parser for the Service Bus filter and action grammar. Precedence, loosest
/// first: OR, AND, NOT, the predicate forms (comparison, IS NULL, IN, LIKE), + -, * / %, unary ±.
/// </summary>
internal sealed class Parser
{
    /// <summary>Service Bus limit on the length of a filter or action expression.</summary>
    public const int MaxExpressionLength = 1024;

    /// <summary>Service Bus limit on the number of statements in one rule action.</summary>
    public const int MaxActionStatements = 32;

    /// <summary>
    /// Deepest nesting accepted (each parenthesis, NOT or sign counts one level). A 1,024-character
    /// expression could otherwise nest ~500 levels and recurse deep enough to threaten a small
    /// thread stack; real filters stay far below 20.
    /// </summary>
    public const int MaxNesting = 128;

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
    }

    private Token Current => _tokens[_index];

    private Token Next => _tokens[Math.Min(_index + 1, _tokens.Count - 1)];

    public static SqlNode ParseFilter(string text)
    {
        CheckLength(text, "filter");
        var parser = new Parser(text);
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new FilterException(text, 0, "expected a predicate but the expression is empty.");
        }
        var node = parser.ParseOr();
        parser.Expect(TokenKind.End, "an operator (AND, OR, =, LIKE, ...) or end of expression");
        parser.RequirePredicate(node);
        return node;
    }

    public static List<ActionStatement> ParseAction(string text)
    {
        CheckLength(text, "action");
        var parser = new Parser(text);
        var statements = new List<ActionStatement>();
        while (true)
        {
            if (!parser.Current.IsKeyword("SET") && !parser.Current.IsKeyword("REMOVE"))
            {
                throw parser.Error(parser.Current, statements.Count == 0 ? "SET or REMOVE" : "SET, REMOVE or end of action");
            }
            if (statements.Count == MaxActionStatements)
            {
                throw new FilterException(text, parser.Current.Position,
                    $"an action may hold at most {MaxActionStatements} statements.");
            }
            statements.Add(parser.ParseStatement());

            var separated = false;
            while (parser.Current.Kind is TokenKind.Semicolon or TokenKind.Comma)
            {
                separated = true;
                parser._index++;
            }
            if (parser.Current.Kind == TokenKind.End)
            {
                return statements;
            }
            if (!separated)
            {
                throw parser.Error(parser.Current, "';', ',' or end of action");
            }
        }
    }

    private static void CheckLength(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxExpressionLength)
        {
            throw new FilterException(text, MaxExpressionLength,
                $"the {what} expression is {text.Length} characters long; at most {MaxExpressionLength} are allowed.");
        }
    }

    private ActionStatement ParseStatement()
    {
        var keyword = Current;
        _index++;
        var target = ParseProperty();
        if (target.Scope == PropertyScope.System)
        {
            var p = target.SystemProperty;
            if (!SystemProperties.IsWritable(p))
            {
                throw new FilterException(_text, target.Position, $"system property '{target.Name}' is assigned by the broker and cannot be changed by an action.");
            }
            if (keyword.Text == "REMOVE" && !SystemProperties.IsString(p))
            {
                throw new FilterException(_text, target.Position, $"system property '{target.Name}' cannot be removed.");
            }
        }
        if (keyword.Text == "REMOVE")
        {
            return new RemoveStatement(target);
        }
        Expect(TokenKind.Equal, "'='");
        var value = ParseAdditive();
        RequireValue(value);
        return new SetStatement(target, value);
    }

    private FilterException Error(Token found, string expected) =>
        new(_text, found.Position, $"expected {expected} but found {found.Describe()}.");

    private Token Expect(TokenKind kind, string expected)
    {
        var token = Current;
        if (token.Kind != kind) throw Error(token, expected);
        _index++;
        return token;
    }

    private void RequireValue(SqlNode node)
    {
        if (node.IsPredicate)
        {
            throw new FilterException(_text, node.Position, "expected a value expression but found a predicate.");
        }
    }

    private void RequirePredicate(SqlNode node)
    {
        // Beyond the documented grammar, a property, parameter, property() call or TRUE/FALSE may
        // stand where a predicate is expected; its value must then be a Boolean at run time.
        var ok = node.IsPredicate
            || node is PropertyNode or ParameterNode or PropertyFunctionNode
            || (node is ConstantNode c && c.Value.Kind == ValueKind.Bool);
        if (!ok)
        {
            throw new FilterException(_text, node.Position,
                "expected a predicate (comparison, IS NULL, IN, LIKE, EXISTS or a Boolean) but found a value expression.");
        }
    }

    private SqlNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("OR"))
        {
            var op = Current;
            _index++;
            var right = ParseAnd();
            RequirePredicate(left);
            RequirePredicate(right);
            left = new OrNode(left, right) { Position = op.Position };
        }
        return left;
    }

    private SqlNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsKeyword("AND"))
        {
            var op = Current;
            _index++;
            var right = ParseNot();
            RequirePredicate(left);
            RequirePredicate(right);
            left = new AndNode(left, right) { Position = op.Position };
        }
        return left;
    }

    private SqlNode ParseNot()
    {
        if (Current.IsKeyword("NOT"))
        {
            var op = Current;
            _index++;
            Enter(op);
            var operand = ParseNot();
            _depth--;
            RequirePredicate(operand);
            return new NotNode(operand) { Position = op.Position };
        }
        return ParsePredicate();
    }

    private SqlNode ParsePredicate()
    {
        if (Current.IsKeyword("EXISTS"))
        {
            var start = Current;
            _index++;
            Expect(TokenKind.LeftParen, "'(' after EXISTS");
            var property = ParseProperty();
            Expect(TokenKind.RightParen, "')'");
            return new ExistsNode(property) { Position = start.Position };
        }

        var left = ParseAdditive();
        var token = Current;
        CompareOp? compare = token.Kind switch
        {
            TokenKind.Equal => CompareOp.Equal,
            TokenKind.NotEqual => CompareOp.NotEqual,
            TokenKind.Less => CompareOp.Less,
            TokenKind.LessOrEqual => CompareOp.LessOrEqual,
            TokenKind.Greater => CompareOp.Greater,
            TokenKind.GreaterOrEqual => CompareOp.GreaterOrEqual,
            _ => null,
        };
        if (compare is { } op)
        {
            _index++;
            var right = ParseAdditive();
            RequireValue(left);
            RequireValue(right);
            return new CompareNode(op, left, right) { Position = token.Position };
        }

        if (token.IsKeyword("IS"))
        {
            _index++;
            var negated = false;
            if (Current.IsKeyword("NOT"))
            {
                negated = true;
                _index++;
            }
            if (!Current.IsKeyword("NULL")) throw Error(Current, negated ? "NULL" : "NULL or NOT NULL");
            _index++;
            RequireValue(left);
            return new IsNullNode(left, negated) { Position = token.Position };
        }

        var notToken = token;
        var not = false;
        if (token.IsKeyword("NOT") && (Next.IsKeyword("IN") || Next.IsKeyword("LIKE")))
        {
            not = true;
            _index++;
            token = Current;
        }
        else if (token.IsKeyword("NOT"))
        {
            throw Error(Next, "IN or LIKE after NOT");
        }

        if (token.IsKeyword("IN"))
        {
            _index++;
            Expect(TokenKind.LeftParen, "'(' after IN");
            var items = new List<SqlNode>();
            while (true)
            {
                var item = ParseAdditive();
                RequireValue(item);
                items.Add(item);
                if (Current.Kind == TokenKind.Comma)
                {
                    _index++;
                    continue;
                }
                Expect(TokenKind.RightParen, "',' or ')'");
                break;
            }
            RequireValue(left);
            return new InNode(left, items, not) { Position = notToken.Position };
        }

        if (token.IsKeyword("LIKE"))
        {
            _index++;
            var pattern = ParseAdditive();
            RequireValue(pattern);
            SqlNode? escape = null;
            if (Current.IsKeyword("ESCAPE"))
            {
                _index++;
                escape = ParseAdditive();
                RequireValue(escape);
            }
            RequireValue(left);
            return new LikeNode(left, pattern, escape, not) { Position = notToken.Position };
        }

        return left;
    }

    private SqlNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var token = Current;
            _index++;
            var right = ParseMultiplicative();
            RequireValue(left);
            RequireValue(right);
            left = new ArithmeticNode(token.Kind == TokenKind.Plus ? ArithmeticOp.Add : ArithmeticOp.Subtract, left, right) { Position = token.Position };
        }
        return left;
    }

    private SqlNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var token = Current;
            _index++;
            var right = ParseUnary();
            RequireValue(left);
            RequireValue(right);
            var op = token.Kind switch
            {
                TokenKind.Star => ArithmeticOp.Multiply,
                TokenKind.Slash => ArithmeticOp.Divide,
                _ => ArithmeticOp.Modulo,
            };
            left = new ArithmeticNode(op, left, right) { Position = token.Position };
        }
        return left;
    }

    /// <summary>Counts one nesting level; the caller decrements <see cref="_depth"/> when the nested part is parsed.</summary>
    private void Enter(Token at)
    {
        if (++_depth > MaxNesting)
        {
            throw new FilterException(_text, at.Position, $"the expression is nested more than {MaxNesting} levels deep.");
        }
    }

    private SqlNode ParseUnary()
    {
        var token = Current;
        if (token.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            _index++;
            var number = Current;
            if (token.Kind == TokenKind.Minus && number.Kind is TokenKind.Integer or TokenKind.Decimal or TokenKind.Approximate)
            {
                // A minus sign directly before a number is part of the constant, so the smallest
                // Int64 (-9223372036854775808) can be written.
                _index++;
                return NumberConstant(number, negative: true, token.Position);
            }
            Enter(token);
            var operand = ParseUnary();
            _depth--;
            RequireValue(operand);
            return new NegateNode(operand, token.Kind == TokenKind.Plus) { Position = token.Position };
        }
        return ParsePrimary();
    }

    private ConstantNode NumberConstant(Token number, bool negative, int position)
    {
        if (number.Kind == TokenKind.Integer)
        {
            var digits = negative ? "-" + number.Text : number.Text;
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw new FilterException(_text, number.Position, $"integer constant {digits} is outside the Int64 range.");
            }
            return new ConstantNode(SqlValue.FromInt64(value)) { Position = position };
        }
        var d = Lexer.ParseDouble(number.Text);
        if (double.IsInfinity(d))
        {
            throw new FilterException(_text, number.Position, $"numeric constant {number.Text} is outside the Double range.");
        }
        return new ConstantNode(SqlValue.FromDouble(negative ? -d : d)) { Position = position };
    }

    private SqlNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
            case TokenKind.Decimal:
            case TokenKind.Approximate:
                _index++;
                return NumberConstant(token, negative: false, token.Position);
            case TokenKind.String:
                _index++;
                return new ConstantNode(SqlValue.FromString(token.Text)) { Position = token.Position };
            case TokenKind.Parameter:
                _index++;
                return new ParameterNode(token.Text) { Position = token.Position };
            case TokenKind.LeftParen:
            {
                _index++;
                Enter(token);
                var inner = ParseOr();
                _depth--;
                Expect(TokenKind.RightParen, "')'");
                return inner;
            }
            case TokenKind.Keyword when token.Text is "TRUE" or "FALSE":
                _index++;
                return new ConstantNode(SqlValue.FromBool(token.Text == "TRUE")) { Position = token.Position };
            case TokenKind.Keyword when token.Text == "NULL":
                _index++;
                return new ConstantNode(SqlValue.Null) { Position = token.Position };
            case TokenKind.Identifier when Next.Kind == TokenKind.LeftParen:
                return ParseFunction();
            case TokenKind.Identifier:
            case TokenKind.DelimitedIdentifier:
                return ParseProperty();
            default:
                throw Error(token, "a constant, property, function or '('");
        }
    }

    private SqlNode ParseFunction()
    {
        var name = Current;
        _index += 2; // name and '('
        var lower = name.Text.ToLowerInvariant();
        switch (lower)
        {
            case "newid":
                Expect(TokenKind.RightParen, "')' (newid takes no argument)");
                return new NewIdNode { Position = name.Position };
            case "property":
            case "p":
            {
                Enter(name);
                var argument = ParseAdditive();
                _depth--;
                RequireValue(argument);
                Expect(TokenKind.RightParen, "')'");
                return new PropertyFunctionNode(lower, argument) { Position = name.Position };
            }
            default:
                throw new FilterException(_text, name.Position, $"unknown function '{name.Text}'; expected newid(), property(name) or p(name).");
        }
    }

    private PropertyNode ParseProperty()
    {
        var first = Current;
        if (first.Kind == TokenKind.Identifier && Next.Kind == TokenKind.Dot)
        {
            PropertyScope scope;
            if (first.Text.Equals("sys", StringComparison.OrdinalIgnoreCase))
            {
                scope = PropertyScope.System;
            }
            else if (first.Text.Equals("user", StringComparison.OrdinalIgnoreCase))
            {
                scope = PropertyScope.User;
            }
            else
            {
                throw new FilterException(_text, first.Position, $"unknown scope '{first.Text}'; expected 'sys' or 'user'.");
            }
            _index += 2;
            var name = Current;
            if (name.Kind is not (TokenKind.Identifier or TokenKind.DelimitedIdentifier))
            {
                throw Error(name, "a property name after '" + first.Text + ".'");
            }
            _index++;
            return MakeProperty(scope, name, first.Position);
        }
        if (first.Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier)
        {
            _index++;
            return MakeProperty(PropertyScope.User, first, first.Position);
        }
        throw Error(first, first.Kind == TokenKind.Keyword
            ? "a property name (reserved words must be written as [delimited] identifiers)"
            : "a property name");
    }

    private PropertyNode MakeProperty(PropertyScope scope, Token name, int position)
    {
        if (scope == PropertyScope.User)
        {
            return new PropertyNode(scope, name.Text) { Position = position };
        }
        if (!SystemProperties.ByName.TryGetValue(name.Text, out var property))
        {
            throw new FilterException(_text, name.Position,
                $"'{name.Text}' is not a system property; expected one of {string.Join(", ", SystemProperties.ByName.Keys)}.");
        }
        return new PropertyNode(scope, name.Text) { Position = position, SystemProperty = property };
    }
}
