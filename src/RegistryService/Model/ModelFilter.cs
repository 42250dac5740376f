namespace Maestro.RegistryService.Model;

/// <summary>
/// A parsed <c>filter_string</c>: conditions joined by AND. The grammar, as MLflow's users write it:
/// <code>
/// filter    := condition ( AND condition )*
/// condition := field op 'value'
/// field     := name | tags.key | tags.`key with spaces`
/// op        := = | != | LIKE | ILIKE
/// </code>
/// Values are single-quoted; a quote inside is doubled (<c>'it''s'</c>). LIKE uses <c>%</c> and <c>_</c>
/// and is case-sensitive; ILIKE is not. Keywords are case-insensitive.
/// </summary>
public sealed record ModelFilter(IReadOnlyList<FilterCondition> Conditions)
{
    public static readonly ModelFilter All = new([]);

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FilterSyntaxException"/> naming the position of the problem.</summary>
    public static ModelFilter Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return All;
        }

        var reader = new Reader(text);
        var conditions = new List<FilterCondition> { reader.Condition() };
        while (!reader.AtEnd)
        {
            reader.Keyword("AND");
            conditions.Add(reader.Condition());
        }

        return new ModelFilter(conditions);
    }

    private sealed class Reader(string text)
    {
        private int _position;

        public bool AtEnd
        {
            get
            {
                SkipSpaces();
                return _position >= text.Length;
            }
        }

        public FilterCondition Condition()
        {
            var (field, tagKey) = Field();
            var op = Operator();
            return new FilterCondition(field, tagKey, op, Value());
        }

        public void Keyword(string keyword)
        {
            SkipSpaces();
            var start = _position;
            var word = Word();
            if (!word.Equals(keyword, StringComparison.OrdinalIgnoreCase))
            {
                throw Error(start, $"expected {keyword} between conditions, found '{Shorten(word)}'");
            }
        }

        private (FilterField Field, string? TagKey) Field()
        {
            SkipSpaces();
            var start = _position;
            if (_position >= text.Length)
            {
                throw Error(start, "expected a field (name or tags.<key>) but the filter ends");
            }

            var word = Word();
            if (word.Equals("name", StringComparison.OrdinalIgnoreCase))
            {
                return (FilterField.Name, null);
            }

            if (word.Equals("tags.", StringComparison.OrdinalIgnoreCase))
            {
                return Peek('`')
                    ? (FilterField.Tag, Quoted('`'))
                    : throw Error(_position, "expected a tag key after 'tags.' (quote keys with spaces in backticks)");
            }

            if (word.StartsWith("tags.", StringComparison.OrdinalIgnoreCase))
            {
                return (FilterField.Tag, word[5..]);
            }

            throw Error(start, $"unknown field '{Shorten(word)}': filter on name or tags.<key>");
        }

        private FilterOperator Operator()
        {
            SkipSpaces();
            var start = _position;
            if (Peek('='))
            {
                _position++;
                return FilterOperator.Equal;
            }

            if (Peek('!') && _position + 1 < text.Length && text[_position + 1] == '=')
            {
                _position += 2;
                return FilterOperator.NotEqual;
            }

            var word = Word();
            return word.ToUpperInvariant() switch
            {
                "LIKE" => FilterOperator.Like,
                "ILIKE" => FilterOperator.ILike,
                _ => throw Error(start, $"expected an operator (=, !=, LIKE, ILIKE), found '{Shorten(word)}'"),
            };
        }

        private string Value()
        {
            SkipSpaces();
            if (!Peek('\''))
            {
                throw Error(_position, "expected a value in single quotes, e.g. 'fraud-detector'");
            }

            return Quoted('\'');
        }

        private string Quoted(char quote)
        {
            var start = _position;
            _position++;
            var value = new System.Text.StringBuilder();
            while (_position < text.Length)
            {
                var c = text[_position++];
                if (c != quote)
                {
                    value.Append(c);
                }
                else if (_position < text.Length && text[_position] == quote)
                {
                    value.Append(quote);
                    _position++;
                }
                else
                {
                    return value.ToString();
                }
            }

            throw Error(start, $"the {quote}quoted{quote} text starting here is never closed");
        }

        private string Word()
        {
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '.' or '_' or '-'))
            {
                _position++;
            }

            return _position == start && _position < text.Length ? text[_position].ToString() : text[start.._position];
        }

        private bool Peek(char c) => _position < text.Length && text[_position] == c;

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private FilterSyntaxException Error(int position, string message) =>
            new($"filter_string position {position + 1}: {message}.", position + 1);

        private static string Shorten(string word) => word.Length > 30 ? word[..30] + "…" : word;
    }
}
