using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Sightings;

/// <summary>The file cannot be read as an attach log at all (e.g. its header lacks a required column).</summary>
public sealed class AttachLogFormatException(string message) : Exception(message);

internal enum AttachLogReadOutcome
{
    Row,
    BadRow,
    End,
}

/// <summary>One good row. <see cref="OperatorIndex"/> points into <see cref="AttachLogReader.OperatorNames"/>, or is -1 for the default operator.</summary>
internal struct AttachLogRow
{
    public long Imei;
    public PackedDigits Imsi;
    public PackedDigits Msisdn;
    public int OperatorIndex;
    public DateOnly Date;
}

/// <summary>
/// Streams an attach-log CSV (docs/reference.md, docs/ingest.md) from bytes: columns found by header name, one physical
/// line per row, no string allocated for a good row. A bad row carries its 1-based line number and
/// every problem found on it, naming the column. Also hashes the bytes it reads (SHA-256).
/// </summary>
internal sealed class AttachLogReader : IDisposable
{
    public const int MaxOperatorNameLength = IngestFile.MaxOperatorNameLength;
    private const int MaxLineBytes = 1 << 20;

    private readonly Stream stream;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Infrastructure.ZoneOffsets zone;
    private readonly DateOnly today;
    private readonly bool hasDefaultOperator;
    private readonly List<byte[]> operatorKeys = [];
    private readonly List<string> operatorNames = [];
    private byte[] buffer = new byte[1 << 20];
    private byte[] scratch = new byte[256];
    private int[] fieldStart = [];
    private int[] fieldLength = [];
    private int pos;
    private int len;
    private bool eof;
    private long lineNumber;
    private long consumedBeforeBuffer;
    private int dateColumn;
    private int imeiColumn;
    private int imsiColumn;
    private int msisdnColumn = -1;
    private int operatorColumn = -1;
    private int columnCount;
    private int currentLineStart;
    private byte[]? hashResult;

    private AttachLogReader(Stream stream, Infrastructure.ZoneOffsets zone, DateOnly today, bool hasDefaultOperator)
    {
        this.stream = stream;
        this.zone = zone;
        this.today = today;
        this.hasDefaultOperator = hasDefaultOperator;
    }

    /// <summary>The 1-based line number of the row last read.</summary>
    public long LineNumber => lineNumber;

    public long Rows { get; private set; }

    public long BadRows { get; private set; }

    /// <summary>Bytes of the file consumed so far, for progress.</summary>
    public long Position => consumedBeforeBuffer + pos;

    /// <summary>The header's column names as written.</summary>
    public IReadOnlyList<string> Columns { get; private set; } = [];

    /// <summary>Operator names met in the <c>operator</c> column, in order of first appearance.</summary>
    public IReadOnlyList<string> OperatorNames => operatorNames;

    /// <summary>Why the row last read is bad (every problem, separated by "; ").</summary>
    public string BadReason { get; private set; } = string.Empty;

    /// <summary>The bad row's line as it was written (decoded as UTF-8).</summary>
    public string BadLine { get; private set; } = string.Empty;

    /// <summary>Opens the file and reads its header; throws <see cref="AttachLogFormatException"/> when it is unusable.</summary>
    public static AttachLogReader Open(Stream stream, Infrastructure.ZoneOffsets zone, DateOnly today, bool hasDefaultOperator)
    {
        var reader = new AttachLogReader(stream, zone, today, hasDefaultOperator);
        try
        {
            reader.ReadHeader();
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        return reader;
    }

    public AttachLogReadOutcome Read(out AttachLogRow row)
    {
        row = default;
        if (!NextLine(out var lineStart, out var lineLength))
        {
            return AttachLogReadOutcome.End;
        }

        Rows++;
        var line = new ReadOnlySpan<byte>(buffer, lineStart, lineLength);
        if (TryParseRow(line, ref row))
        {
            return AttachLogReadOutcome.Row;
        }

        BadRows++;
        BadLine = Encoding.UTF8.GetString(line);
        return AttachLogReadOutcome.BadRow;
    }

    /// <summary>The SHA-256 of the whole file (reads what is left unread).</summary>
    public string Sha256()
    {
        if (hashResult is null)
        {
            while (!eof)
            {
                pos = len;
                Fill();
            }

            hashResult = hash.GetHashAndReset();
        }

        return Convert.ToHexStringLower(hashResult);
    }

    public void Dispose() => hash.Dispose();

    private void ReadHeader()
    {
        if (!NextLine(out var start, out var length))
        {
            throw new AttachLogFormatException("The file is empty: an attach log starts with a header row (e.g. date,imei,imsi,msisdn).");
        }

        var line = new ReadOnlySpan<byte>(buffer, start, length);
        if (line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
            start += 3;
        }

        if (!SplitFields(line, start, int.MaxValue, out var count, out var fields, out var problem))
        {
            throw new AttachLogFormatException($"Line 1 (the header) cannot be read: {problem}.");
        }

        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = Encoding.UTF8.GetString(Field(fields, i)).Trim();
        }

        Columns = names;
        columnCount = count;
        int timestamp = -1, date = -1, imei = -1, imsi = -1;
        for (var i = 0; i < count; i++)
        {
            switch (names[i].ToLowerInvariant())
            {
                case "timestamp": Assign(ref timestamp, i, "timestamp"); break;
                case "date": Assign(ref date, i, "date"); break;
                case "imei": Assign(ref imei, i, "imei"); break;
                case "imsi": Assign(ref imsi, i, "imsi"); break;
                case "msisdn": Assign(ref msisdnColumn, i, "msisdn"); break;
                case "operator": Assign(ref operatorColumn, i, "operator"); break;
                default: break;
            }
        }

        var missing = new List<string>();
        if (timestamp < 0 && date < 0)
        {
            missing.Add("'timestamp' or 'date'");
        }

        if (imei < 0)
        {
            missing.Add("'imei'");
        }

        if (imsi < 0)
        {
            missing.Add("'imsi'");
        }

        if (missing.Count > 0)
        {
            throw new AttachLogFormatException(
                $"Line 1 (the header) lacks the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; " +
                $"it has: {string.Join(", ", names.Select(n => n.Length == 0 ? "(empty)" : n))}. " +
                "An attach log needs timestamp or date, imei and imsi (msisdn, operator, rat optional).");
        }

        dateColumn = timestamp >= 0 ? timestamp : date;
        imeiColumn = imei;
        imsiColumn = imsi;
    }

    private static void Assign(ref int slot, int column, string name)
    {
        if (slot >= 0)
        {
            throw new AttachLogFormatException(
                $"Line 1 (the header) names the column '{name}' twice (columns {slot + 1} and {column + 1}).");
        }

        slot = column;
    }

    private bool TryParseRow(ReadOnlySpan<byte> line, ref AttachLogRow row)
    {
        if (line.IsEmpty)
        {
            BadReason = "the line is empty";
            return false;
        }

        if (!SplitFields(line, currentLineStart, columnCount + 1, out var count, out var fields, out var problem))
        {
            BadReason = problem;
            return false;
        }

        if (count != columnCount)
        {
            BadReason = count > columnCount
                ? $"the row has more fields than the header's {columnCount}"
                : $"the row has {count} field{(count == 1 ? "" : "s")}; the header has {columnCount}";
            return false;
        }

        List<string>? problems = null;
        var dateField = Field(fields, dateColumn);
        var dateProblem = AttachLogDates.TryParse(dateField, zone, out row.Date);
        if (dateProblem != DateProblem.None)
        {
            (problems ??= []).Add(DescribeDate(dateField, dateProblem));
        }
        else if (row.Date > today)
        {
            (problems ??= []).Add(
                $"{DateColumnName}: {row.Date:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd} in {zone.Zone.Id})");
        }

        var imeiField = Field(fields, imeiColumn);
        if (!TryImei(imeiField, out row.Imei, out var imeiProblem))
        {
            (problems ??= []).Add(imeiProblem == ImeiProblem.Empty
                ? "imei: empty"
                : $"imei: '{Show(imeiField)}' is not an IMEI: {Imei.Describe(imeiProblem)}");
        }

        var imsiField = Field(fields, imsiColumn);
        var imsiProblem = ImsiProblemOf(imsiField);
        if (imsiProblem == ImsiProblem.None)
        {
            row.Imsi = PackedDigits.FromAscii(imsiField);
        }
        else
        {
            (problems ??= []).Add(imsiProblem == ImsiProblem.Empty
                ? "imsi: empty"
                : $"imsi: '{Show(imsiField)}' is not an IMSI: {Imsi.Describe(imsiProblem)}");
        }

        if (msisdnColumn >= 0)
        {
            var msisdnField = Field(fields, msisdnColumn);
            if (!TryMsisdn(msisdnField, out row.Msisdn))
            {
                (problems ??= []).Add($"msisdn: '{Show(msisdnField)}' is not a phone number (5 to 15 digits, optionally with +, spaces or dashes)");
            }
        }

        row.OperatorIndex = -1;
        var operatorField = operatorColumn >= 0 ? Field(fields, operatorColumn) : default;
        if (!operatorField.IsEmpty)
        {
            if (!TryOperator(operatorField, out row.OperatorIndex, out var operatorProblem))
            {
                (problems ??= []).Add(operatorProblem);
            }
        }
        else if (!hasDefaultOperator)
        {
            (problems ??= []).Add(operatorColumn >= 0
                ? "operator: empty, and no --operator was given"
                : "operator: the file has no operator column and no --operator was given");
        }

        if (problems is null)
        {
            return true;
        }

        BadReason = string.Join("; ", problems);
        return false;
    }

    private string DateColumnName => Columns[dateColumn].ToLowerInvariant();

    private string DescribeDate(ReadOnlySpan<byte> field, DateProblem problem) => problem switch
    {
        DateProblem.Empty => $"{DateColumnName}: empty",
        DateProblem.NotARealDate => $"{DateColumnName}: '{Show(field)}' is not a real calendar date",
        DateProblem.NoOffset => $"{DateColumnName}: '{Show(field)}' has no UTC offset (end it with Z or ±hh:mm)",
        _ => $"{DateColumnName}: '{Show(field)}' is neither a date (YYYYMMDD or YYYY-MM-DD) nor an ISO-8601 date-time with Z or an offset",
    };

    private static bool TryImei(ReadOnlySpan<byte> field, out long key, out ImeiProblem problem)
    {
        // Fast path for the usual case. Every pattern Imei.IsJunk refuses (one repeated digit, a TAC of
        // zeros, counting runs 0123…, 1234…, 9876…) starts with a repeated digit or 01, 12 or 98; only
        // those go through the full parser, which allocates.
        if (field.Length is >= Imei.KeyLength and <= 16 && AllDigits(field)
            && field[0] != field[1] && !(field[0] == '0' && field[1] == '1')
            && !(field[0] == '1' && field[1] == '2') && !(field[0] == '9' && field[1] == '8'))
        {
            key = PackedDigits.FromAscii(field[..Imei.KeyLength]).Value;
            problem = ImeiProblem.None;
            return true;
        }

        key = 0;
        if (field.Length > 32)
        {
            problem = AllDigits(field) ? ImeiProblem.WrongLength : ImeiProblem.NotDigits;
            return false;
        }

        Span<char> chars = stackalloc char[field.Length];
        for (var i = 0; i < field.Length; i++)
        {
            chars[i] = (char)field[i];
        }

        if (Imei.TryParseFromNetwork(chars, out var imei, out problem))
        {
            key = imei.Key;
            return true;
        }

        return false;
    }

    private static ImsiProblem ImsiProblemOf(ReadOnlySpan<byte> field)
    {
        if (field.IsEmpty)
        {
            return ImsiProblem.Empty;
        }

        if (field.Length is >= 6 and <= 15 && AllDigits(field))
        {
            return ImsiProblem.None;
        }

        if (!AllDigits(field))
        {
            return ImsiProblem.NotDigits;
        }

        Span<char> chars = stackalloc char[Math.Min(field.Length, 16)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)field[i];
        }

        return field.Length > 16 ? ImsiProblem.WrongLength : Imsi.Validate(chars);
    }

    private static bool TryMsisdn(ReadOnlySpan<byte> field, out PackedDigits msisdn)
    {
        msisdn = default;
        if (field.IsEmpty)
        {
            return true;
        }

        // The usual case: plain international digits, which normalisation would leave as they are.
        if (field.Length is >= 5 and <= 15 && AllDigits(field) && field[0] != '0')
        {
            msisdn = PackedDigits.FromAscii(field);
            return true;
        }

        if (field.Length > 40)
        {
            return false;
        }

        Span<char> chars = stackalloc char[field.Length];
        for (var i = 0; i < field.Length; i++)
        {
            chars[i] = (char)field[i];
        }

        if (!Msisdn.TryNormalize(chars, out var normalized))
        {
            return false;
        }

        msisdn = PackedDigits.FromText(normalized);
        return true;
    }

    private bool TryOperator(ReadOnlySpan<byte> field, out int index, out string problem)
    {
        problem = string.Empty;
        for (var i = 0; i < operatorKeys.Count; i++)
        {
            if (field.SequenceEqual(operatorKeys[i]))
            {
                index = i;
                return true;
            }
        }

        index = -1;
        string name;
        try
        {
            name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(field);
        }
        catch (DecoderFallbackException)
        {
            problem = "operator: the name is not valid UTF-8";
            return false;
        }

        if (name.Length > MaxOperatorNameLength)
        {
            problem = $"operator: the name has {name.Length} characters; at most {MaxOperatorNameLength} are allowed";
            return false;
        }

        operatorKeys.Add(field.ToArray());
        operatorNames.Add(name);
        index = operatorNames.Count - 1;
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    private static string Show(ReadOnlySpan<byte> field)
    {
        var text = Encoding.UTF8.GetString(field.Length > 64 ? field[..64] : field);
        return field.Length > 64 ? text + "…" : text;
    }

    /// <summary>The bytes of field i of the current line (unquoted and trimmed).</summary>
    private ReadOnlySpan<byte> Field(byte[] source, int i) => new(source, fieldStart[i], fieldLength[i]);

    /// <summary>
    /// Splits a line on commas. Fields in double quotes may hold commas and doubled quotes; a quoted
    /// line is unescaped into a scratch buffer, so the returned <paramref name="source"/> is either the
    /// read buffer or the scratch buffer. Stops counting at <paramref name="maxFields"/>.
    /// </summary>
    private bool SplitFields(ReadOnlySpan<byte> line, int lineOffset, int maxFields, out int count, out byte[] source, out string problem)
    {
        problem = string.Empty;
        count = 0;
        var capacity = maxFields == int.MaxValue ? line.Length + 1 : maxFields;
        if (fieldStart.Length < capacity)
        {
            fieldStart = new int[capacity];
            fieldLength = new int[capacity];
        }

        if (line.IndexOf((byte)'"') < 0)
        {
            source = buffer;
            var rest = line;
            var at = lineOffset;
            while (true)
            {
                var comma = rest.IndexOf((byte)',');
                var length = comma < 0 ? rest.Length : comma;
                if (!AddField(ref count, maxFields, at, length, rest[..length]))
                {
                    return true;
                }

                if (comma < 0)
                {
                    return true;
                }

                rest = rest[(comma + 1)..];
                at += comma + 1;
            }
        }

        if (scratch.Length < line.Length)
        {
            scratch = new byte[Math.Max(line.Length, scratch.Length * 2)];
        }

        source = scratch;
        var w = 0;
        var r = 0;
        while (true)
        {
            var start = w;
            while (r < line.Length && line[r] is (byte)' ' or (byte)'\t')
            {
                r++;
            }

            if (r < line.Length && line[r] == '"')
            {
                r++;
                var closed = false;
                while (r < line.Length)
                {
                    if (line[r] == '"')
                    {
                        if (r + 1 < line.Length && line[r + 1] == '"')
                        {
                            scratch[w++] = (byte)'"';
                            r += 2;
                            continue;
                        }

                        r++;
                        closed = true;
                        break;
                    }

                    scratch[w++] = line[r++];
                }

                if (!closed)
                {
                    problem = $"field {count + 1}: a quoted field is not closed on its line";
                    return false;
                }

                while (r < line.Length && line[r] is (byte)' ' or (byte)'\t')
                {
                    r++;
                }

                if (r < line.Length && line[r] != ',')
                {
                    problem = $"field {count + 1}: unexpected text after the closing quote";
                    return false;
                }
            }
            else
            {
                while (r < line.Length && line[r] != ',')
                {
                    if (line[r] == '"')
                    {
                        problem = $"field {count + 1}: a quote inside an unquoted field";
                        return false;
                    }

                    scratch[w++] = line[r++];
                }
            }

            if (count < fieldStart.Length)
            {
                fieldStart[count] = start;
                fieldLength[count] = w - start;
                TrimField(count, scratch);
            }

            count++;
            if (count >= maxFields || r >= line.Length)
            {
                return true;
            }

            r++; // the comma
            if (r == line.Length)
            {
                // a trailing comma: one more, empty field
                if (count < fieldStart.Length)
                {
                    fieldStart[count] = w;
                    fieldLength[count] = 0;
                }

                count++;
                return true;
            }
        }
    }

    private bool AddField(ref int count, int maxFields, int at, int length, ReadOnlySpan<byte> value)
    {
        if (count < fieldStart.Length)
        {
            var lead = 0;
            while (lead < length && value[lead] is (byte)' ' or (byte)'\t')
            {
                lead++;
            }

            var trail = length;
            while (trail > lead && value[trail - 1] is (byte)' ' or (byte)'\t')
            {
                trail--;
            }

            fieldStart[count] = at + lead;
            fieldLength[count] = trail - lead;
        }

        count++;
        return count < maxFields;
    }

    private void TrimField(int i, byte[] source)
    {
        var start = fieldStart[i];
        var end = start + fieldLength[i];
        while (end > start && source[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        fieldLength[i] = end - start;
    }

    private bool NextLine(out int start, out int length)
    {
        var scanFrom = pos;
        while (true)
        {
            var newline = new ReadOnlySpan<byte>(buffer, scanFrom, len - scanFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = scanFrom + newline;
                start = pos;
                length = end - pos;
                pos = end + 1;
                break;
            }

            if (eof)
            {
                if (pos == len)
                {
                    start = 0;
                    length = 0;
                    return false;
                }

                start = pos;
                length = len - pos;
                pos = len;
                break;
            }

            var scanned = len - pos;
            Fill();
            scanFrom = pos + scanned;
        }

        if (length > 0 && buffer[start + length - 1] == '\r')
        {
            length--;
        }

        lineNumber++;
        currentLineStart = start;
        return true;
    }

    private void Fill()
    {
        if (pos > 0)
        {
            Buffer.BlockCopy(buffer, pos, buffer, 0, len - pos);
            consumedBeforeBuffer += pos;
            len -= pos;
            pos = 0;
        }

        if (len == buffer.Length)
        {
            if (buffer.Length >= MaxLineBytes * 4)
            {
                throw new AttachLogFormatException(
                    $"Line {lineNumber + 1} is longer than {MaxLineBytes * 4 / (1 << 20)} MB: this is not an attach log.");
            }

            Array.Resize(ref buffer, buffer.Length * 2);
        }

        var read = stream.Read(buffer, len, buffer.Length - len);
        if (read == 0)
        {
            eof = true;
            return;
        }

        hash.AppendData(buffer, len, read);
        len += read;
    }
}
