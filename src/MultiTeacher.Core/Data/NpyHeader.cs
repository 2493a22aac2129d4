using System.Globalization;
using System.Text;

namespace MultiTeacher.Core.Data;

/// <summary>
/// The header dictionary of a .npy file, a Python literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>: parsing and formatting.
/// </summary>
internal sealed class NpyHeader
{
    private readonly string _text;
    private readonly string _source;
    private int _position;

    private NpyHeader(string text, string source)
    {
        _text = text;
        _source = source;
    }

    /// <summary>Parses the header into (descr, fortran order, shape); <paramref name="source"/> names the file in errors.</summary>
    public static (string Descr, bool FortranOrder, int[] Shape) Parse(string text, string source)
    {
        var parser = new NpyHeader(text, source);
        if (parser.ParseValue() is not Dictionary<string, object?> dictionary)
        {
            throw parser.Error("a dictionary");
        }

        parser.SkipWhitespace();
        if (parser._position != text.Length)
        {
            throw parser.Error("the end of the header");
        }

        var descr = Get(dictionary, "descr", source) as string
            ?? throw new DataFormatException(source, $"header 'descr' must be a type string such as '<f4', found {Show(dictionary["descr"])} (structured arrays are not supported).", null);
        var fortran = Get(dictionary, "fortran_order", source) as bool?
            ?? throw new DataFormatException(source, $"header 'fortran_order' must be True or False, found {Show(dictionary["fortran_order"])}.", null);
        if (Get(dictionary, "shape", source) is not List<object?> dimensions)
        {
            throw new DataFormatException(source, $"header 'shape' must be a tuple of integers, found {Show(dictionary["shape"])}.", null);
        }

        var shape = new int[dimensions.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            if (dimensions[i] is not long dimension || dimension < 0 || dimension > int.MaxValue)
            {
                throw new DataFormatException(source, $"header 'shape' dimension {i} must be a non-negative integer, found {Show(dimensions[i])}.", null);
            }

            shape[i] = (int)dimension;
        }

        return (descr, fortran, shape);
    }

    /// <summary>The header dictionary NumPy writes for a C-ordered array (without padding).</summary>
    public static string Format(string descr, ReadOnlySpan<int> shape)
    {
        var dims = shape.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{shape[0]},")
            : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        return $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
    }

    /// <summary>A shape as NumPy prints it: <c>(2, 3)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    public static string ShowShape(ReadOnlySpan<int> shape) => "(" + (shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray())) + ")";

    private static object? Get(Dictionary<string, object?> dictionary, string key, string source) =>
        dictionary.TryGetValue(key, out var value)
            ? value
            : throw new DataFormatException(source, $"header lacks the key '{key}'; expected 'descr', 'fortran_order' and 'shape', found {string.Join(", ", dictionary.Keys.Select(k => $"'{k}'"))}.", null);

    private static string Show(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        List<object?> list => "(" + string.Join(", ", list.Select(Show)) + ")",
        Dictionary<string, object?> => "a dictionary",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };

    private object? ParseValue()
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("a value");
        }

        var c = _text[_position];
        switch (c)
        {
            case '{':
                return ParseDictionary();
            case '(':
                return ParseSequence(')');
            case '[':
                return ParseSequence(']');
            case '\'' or '"':
                return ParseString();
        }

        var start = _position;
        while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '-' or '_'))
        {
            _position++;
        }

        var word = _text[start.._position];
        return word switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            _ when long.TryParse(word.TrimEnd('L'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw Error("a value", start),
        };
    }

    private Dictionary<string, object?> ParseDictionary()
    {
        _position++;
        var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (!TryConsume('}'))
        {
            if (ParseValue() is not string key)
            {
                throw Error("a string key");
            }

            Expect(':');
            if (!dictionary.TryAdd(key, ParseValue()))
            {
                throw new DataFormatException(_source, $"header repeats the key '{key}'.", null);
            }

            if (!TryConsume(','))
            {
                Expect('}');
                break;
            }
        }

        return dictionary;
    }

    private List<object?> ParseSequence(char close)
    {
        _position++;
        var items = new List<object?>();
        while (!TryConsume(close))
        {
            items.Add(ParseValue());
            if (!TryConsume(','))
            {
                Expect(close);
                break;
            }
        }

        return items;
    }

    private string ParseString()
    {
        var quote = _text[_position++];
        var builder = new StringBuilder();
        while (_position < _text.Length && _text[_position] != quote)
        {
            builder.Append(_text[_position++]);
        }

        if (_position >= _text.Length)
        {
            throw Error($"a closing {quote}");
        }

        _position++;
        return builder.ToString();
    }

    private bool TryConsume(char c)
    {
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error($"'{c}'");
        }
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private DataFormatException Error(string expected, int? at = null)
    {
        var position = at ?? _position;
        var found = position < _text.Length ? $"'{_text[position..Math.Min(_text.Length, position + 20)]}'" : "the end of the header";
        return new DataFormatException(_source, $"malformed header at character {position}: expected {expected}, found {found}. Header: {_text.TrimEnd()}", null);
    }
}
