namespace DeviceRegistry.Cli.Verbs;

/// <summary>CSV output of the verbs: a field quoted (RFC 4180) only when it holds a comma, a quote or a line break.</summary>
internal static class CsvText
{
    public static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
