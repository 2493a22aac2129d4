using System.Globalization;
using System.Net;
using System.Text;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Reports;

/// <summary>A self-contained HTML page (inline CSS and SVG, nothing fetched) built from sections.</summary>
public sealed class HtmlReport(string title)
{
    private readonly StringBuilder _body = new();

    /// <summary>Adds a heading.</summary>
    public HtmlReport Heading(string text)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<h2>{Encode(text)}</h2>\n");
        return this;
    }

    /// <summary>Adds a paragraph of plain text.</summary>
    public HtmlReport Paragraph(string text)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<p>{Encode(text)}</p>\n");
        return this;
    }

    /// <summary>Adds a table; cells are plain text.</summary>
    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append("<table><thead><tr>");
        foreach (var h in header)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<th>{Encode(h)}</th>");
        }

        _body.Append("</tr></thead><tbody>\n");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row)
            {
                _body.Append(CultureInfo.InvariantCulture, $"<td>{Encode(cell)}</td>");
            }

            _body.Append("</tr>\n");
        }

        _body.Append("</tbody></table>\n");
        return this;
    }

    /// <summary>Adds an inline SVG figure (from <see cref="SvgChart"/>).</summary>
    public HtmlReport Figure(string svg)
    {
        _body.Append("<figure>").Append(svg).Append("</figure>\n");
        return this;
    }

    /// <summary>The page.</summary>
    public string Render() =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" +
        $"<title>{Encode(title)}</title><style>" +
        "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
        "th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}" +
        $"</style></head><body><h1>{Encode(title)}</h1>\n{_body}</body></html>\n";

    /// <summary>Writes the page atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream =>
    {
        var bytes = Encoding.UTF8.GetBytes(Render());
        stream.Write(bytes);
    });

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
