using System.Globalization;
using DeviceRegistry.Data;

namespace DeviceRegistry.Tacs;

/// <summary>One data line of a TAC file: either a parsed TAC or the reason it was refused.</summary>
public readonly record struct TacLine(long LineNumber, TacModel? Tac, string? Problem, string Raw);

/// <summary>
/// Reads a GSMA TAC database export: pipe-delimited, a header row, columns found by their name
/// (the column set and order change between exports). Unknown columns are ignored.
/// </summary>
public sealed class TacFileReader
{
    private const char Separator = '|';

    // Header names as GSMA exports spell them, compared without case, spaces, underscores or punctuation.
    private static readonly Dictionary<string, TacField> KnownHeaders = new(StringComparer.Ordinal)
    {
        ["tac"] = TacField.Tac,
        ["marketingname"] = TacField.MarketingName,
        ["standardmarketingname"] = TacField.MarketingName,
        ["manufacturer"] = TacField.Manufacturer,
        ["manufacturerorapplicant"] = TacField.Manufacturer,
        ["brandname"] = TacField.Brand,
        ["brand"] = TacField.Brand,
        ["modelname"] = TacField.Model,
        ["model"] = TacField.Model,
        ["devicetype"] = TacField.DeviceType,
    };

    private readonly int[] columnOf;
    private readonly int headerColumns;

    private TacFileReader(int[] columnOf, int headerColumns)
    {
        this.columnOf = columnOf;
        this.headerColumns = headerColumns;
    }

    private enum TacField
    {
        Tac,
        MarketingName,
        Manufacturer,
        Brand,
        Model,
        DeviceType,
    }

    /// <summary>The columns this reader understood, by the name the file gave them.</summary>
    public IReadOnlyList<string> RecognisedColumns { get; private init; } = [];

    /// <summary>Reads the header; returns null with the reason when it has no TAC column or repeats a known one.</summary>
    public static TacFileReader? FromHeader(string? headerLine, out string? problem)
    {
        if (string.IsNullOrWhiteSpace(headerLine))
        {
            problem = "the file is empty: a TAC file starts with a header row such as 'TAC|Marketing Name|Manufacturer|…'";
            return null;
        }

        var names = headerLine.TrimStart('\uFEFF').Split(Separator);
        var columnOf = Enumerable.Repeat(-1, Enum.GetValues<TacField>().Length).ToArray();
        var recognised = new List<string>();
        for (var i = 0; i < names.Length; i++)
        {
            if (!KnownHeaders.TryGetValue(Normalize(names[i]), out var field))
            {
                continue;
            }

            if (columnOf[(int)field] >= 0)
            {
                problem = $"line 1: the header names the {field} column twice ('{names[columnOf[(int)field]].Trim()}' and '{names[i].Trim()}')";
                return null;
            }

            columnOf[(int)field] = i;
            recognised.Add(names[i].Trim());
        }

        if (columnOf[(int)TacField.Tac] < 0)
        {
            problem = $"line 1: the header has no TAC column (it has: {string.Join(", ", names.Select(n => $"'{n.Trim()}'"))}); "
                + "a TAC file is pipe-delimited with a header row naming a 'TAC' column";
            return null;
        }

        problem = null;
        return new TacFileReader(columnOf, names.Length) { RecognisedColumns = recognised };
    }

    public TacLine Parse(long lineNumber, string line)
    {
        var fields = line.Split(Separator);
        if (fields.Length != headerColumns)
        {
            // A trailing '|' on data rows only is harmless; any other difference shifts the columns.
            var extraAreEmpty = fields.Length > headerColumns && fields.Skip(headerColumns).All(string.IsNullOrWhiteSpace);
            if (!extraAreEmpty)
            {
                return new TacLine(lineNumber, null, $"has {fields.Length} fields, the header has {headerColumns}", line);
            }
        }

        var tacText = fields[columnOf[(int)TacField.Tac]].Trim();
        if (tacText.Length == 0)
        {
            return new TacLine(lineNumber, null, "the TAC is empty", line);
        }

        if (tacText.Length != 8 || !tacText.All(char.IsAsciiDigit))
        {
            return new TacLine(lineNumber, null, $"the TAC '{tacText}' is not 8 digits", line);
        }

        var tac = new TacModel
        {
            Tac = int.Parse(tacText, NumberStyles.None, CultureInfo.InvariantCulture),
            MarketingName = Field(fields, TacField.MarketingName),
            Manufacturer = Field(fields, TacField.Manufacturer),
            Brand = Field(fields, TacField.Brand),
            Model = Field(fields, TacField.Model),
            DeviceType = Field(fields, TacField.DeviceType),
        };
        return new TacLine(lineNumber, tac, null, line);
    }

    private string? Field(string[] fields, TacField field)
    {
        var index = columnOf[(int)field];
        if (index < 0)
        {
            return null;
        }

        var value = fields[index].Trim();
        return value.Length == 0 ? null : value;
    }

    private static string Normalize(string header)
    {
        Span<char> buffer = stackalloc char[Math.Min(header.Length, 128)];
        var n = 0;
        foreach (var c in header)
        {
            if (char.IsLetterOrDigit(c) && n < buffer.Length)
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }
}
