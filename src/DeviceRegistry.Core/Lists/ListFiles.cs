using System.Globalization;
using System.Text;

namespace DeviceRegistry.Lists;

/// <summary>The files of an export in DIRBS's formats (docs/lists.md): CSV with a header row, dates YYYYMMDD, the IMEI as its 14-digit key.</summary>
public static class ListFiles
{
    public const string BlacklistHeader = "imei,block_date,reasons";
    public const string ExceptionsHeader = "imei,imsi,msisdn";
    public const string NotificationsHeader = "imei,imsi,msisdn,block_date,reasons";
    public const string Blacklist = "blacklist.csv";

    public static string Exceptions(string op) => $"exceptions_{op}.csv";

    public static string Notifications(string op) => $"notifications_{op}.csv";

    /// <summary>The delta file of a list file: <c>blacklist.csv</c> → <c>blacklist_delta.csv</c>.</summary>
    public static string DeltaOf(string list) => Path.GetFileNameWithoutExtension(list) + "_delta.csv";

    /// <summary>Every file of the export, name and content, in a fixed order.</summary>
    public static IReadOnlyList<(string Name, string Content)> Render(ListsExport export)
    {
        var files = new List<(string, string)>
        {
            (Blacklist, Csv(BlacklistHeader, export.Blacklist.Select(r => $"{Key(r.Imei)},{Date(r.BlockDate)},{r.Reasons}"))),
        };
        foreach (var op in export.Operators)
        {
            files.Add((Exceptions(op.Operator), Csv(ExceptionsHeader, op.Exceptions.Select(r => $"{Key(r.Imei)},{r.Imsi},{r.Msisdn}"))));
            files.Add((Notifications(op.Operator), Csv(NotificationsHeader,
                op.Notifications.Select(r => $"{Key(r.Imei)},{r.Imsi},{r.Msisdn},{Date(r.BlockDate)},{r.Reasons}"))));
        }

        return files;
    }

    /// <summary>
    /// Writes the files into <paramref name="directory"/> (created if missing): each first as a temporary file, then all
    /// renamed into place, so a failure while writing leaves the previous files as they were.
    /// </summary>
    public static async Task WriteAsync(string directory, IReadOnlyList<(string Name, string Content)> files, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var staged = new List<(string Temporary, string Final)>();
        try
        {
            foreach (var (name, content) in files)
            {
                var final = Path.Combine(directory, name);
                var temporary = final + ".tmp";
                await File.WriteAllTextAsync(temporary, content, new UTF8Encoding(false), ct);
                staged.Add((temporary, final));
            }
        }
        catch
        {
            foreach (var (temporary, _) in staged)
            {
                File.Delete(temporary);
            }

            throw;
        }

        foreach (var (temporary, final) in staged)
        {
            File.Move(temporary, final, overwrite: true);
        }
    }

    private static string Csv(string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        return text.ToString();
    }

    private static string Key(long imei) => imei.ToString("D14", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
