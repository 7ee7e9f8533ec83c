using System.Text;

namespace DeviceRegistry.Sightings;

/// <summary>The rejected rows of an attach log, beside it as <c>FILE.rejects.csv</c>: line, reason, the raw line.</summary>
internal sealed class RejectsFile : IDisposable
{
    private readonly StreamWriter writer;

    public RejectsFile(string path)
    {
        Path = path;
        writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        writer.Write("line,reason,raw\n");
    }

    public string Path { get; }

    public static string PathFor(string inputPath) => inputPath + ".rejects.csv";

    public void Write(long line, string reason, string raw)
    {
        writer.Write(line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.Write(',');
        WriteQuoted(reason);
        writer.Write(',');
        WriteQuoted(raw);
        writer.Write('\n');
    }

    public void Dispose() => writer.Dispose();

    private void WriteQuoted(string value)
    {
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
