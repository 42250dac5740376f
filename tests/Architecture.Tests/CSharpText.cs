using System.Text;

namespace Maestro.Architecture.Tests;

/// <summary>C# source reduced to its code: comments and the text of string literals blanked, lines kept.</summary>
internal static class CSharpText
{
    /// <summary>
    /// <paramref name="source"/> with every comment and the text of every string and character literal
    /// replaced by spaces (line breaks and the quotes themselves kept). The code in an interpolated
    /// string's holes stays — it names types like any other code — except in raw strings, which are
    /// blanked whole. So <c>//</c> in a URL is not a comment, and a type named in a comment or a message
    /// is not a use of it.
    /// </summary>
    public static string CodeOnly(string source)
    {
        var output = new StringBuilder(source.Length);
        var i = 0;
        CopyCode(source, ref i, output, insideHole: false);
        return output.ToString();
    }

    /// <summary>Copies code until the end of the source (or, in an interpolation hole, until the hole's closing brace).</summary>
    private static void CopyCode(string s, ref int i, StringBuilder output, bool insideHole)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && Next(s, i) == '/')
            {
                Blank(s, ref i, s.IndexOf('\n', i) is var newline and >= 0 ? newline : s.Length, output);
            }
            else if (c == '/' && Next(s, i) == '*')
            {
                Blank(s, ref i, s.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : s.Length, output);
            }
            else if (c == '\'')
            {
                CopyLiteral(s, ref i, output, '\'', verbatim: false, interpolated: false);
            }
            else if (c == '"' || (c is '$' or '@' && StartsString(s, i)))
            {
                CopyString(s, ref i, output);
            }
            else
            {
                if (insideHole && c == '{')
                {
                    depth++;
                }
                else if (insideHole && c == '}' && depth-- == 0)
                {
                    return;
                }

                output.Append(c);
                i++;
            }
        }
    }

    private static void CopyString(string s, ref int i, StringBuilder output)
    {
        var interpolated = false;
        var verbatim = false;
        while (s[i] is '$' or '@')
        {
            interpolated |= s[i] == '$';
            verbatim |= s[i] == '@';
            output.Append(s[i++]);
        }

        var quotes = 0;
        while (i + quotes < s.Length && s[i + quotes] == '"')
        {
            quotes++;
        }

        if (quotes >= 3)
        {
            // A raw string ends at the first run of as many quotes as opened it.
            var end = s.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            end = end < 0 ? s.Length : end + quotes;
            output.Append('"', quotes);
            i += quotes;
            Blank(s, ref i, Math.Max(i, end - quotes), output);
            output.Append('"', end - i);
            i = end;
            return;
        }

        CopyLiteral(s, ref i, output, '"', verbatim, interpolated);
    }

    /// <summary>Copies a literal from its opening quote (at <paramref name="i"/>) through its closing one, its text blanked.</summary>
    private static void CopyLiteral(string s, ref int i, StringBuilder output, char quote, bool verbatim, bool interpolated)
    {
        output.Append(s[i++]);
        while (i < s.Length)
        {
            var c = s[i];
            if ((verbatim && c == quote && Next(s, i) == quote) || (!verbatim && c == '\\') || (interpolated && c == '{' && Next(s, i) == '{'))
            {
                Blank(s, ref i, Math.Min(i + 2, s.Length), output);
            }
            else if (interpolated && c == '{')
            {
                output.Append(s[i++]);
                CopyCode(s, ref i, output, insideHole: true);
                if (i < s.Length)
                {
                    output.Append(s[i++]);
                }
            }
            else if (c == quote || (!verbatim && c == '\n'))
            {
                output.Append(s[i++]);
                return;
            }
            else
            {
                Blank(s, ref i, i + 1, output);
            }
        }
    }

    /// <summary>Spaces for <paramref name="s"/>[i..end), keeping its line breaks.</summary>
    private static void Blank(string s, ref int i, int end, StringBuilder output)
    {
        for (; i < end; i++)
        {
            output.Append(s[i] == '\n' ? '\n' : ' ');
        }
    }

    private static bool StartsString(string s, int i)
    {
        var j = i;
        while (j < s.Length && s[j] is '$' or '@')
        {
            j++;
        }

        return j < s.Length && s[j] == '"' && (i == 0 || !char.IsLetterOrDigit(s[i - 1]) && s[i - 1] != '_');
    }

    private static char Next(string s, int i) => i + 1 < s.Length ? s[i + 1] : '\0';
}
