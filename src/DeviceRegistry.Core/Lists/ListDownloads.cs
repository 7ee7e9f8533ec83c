using System.Text;
using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Lists;

/// <summary>A recorded export file as an operator downloads it: its run, its recorded name, SHA-256 and bytes (UTF-8, as written).</summary>
public sealed record ListDownload(long RunId, string Name, string Sha256, byte[] Content);

/// <summary>One file an operator may download from an export: the name it asks by, the recorded file, its rows and SHA-256.</summary>
public sealed record ListDownloadEntry(string Name, string File, long RunId, int Rows, string Sha256);

/// <summary>
/// The operators' download of their recorded lists (docs/lists.md, "Downloads"): the file of the latest export that wrote
/// it, or of a given export run, from <c>list_export_files</c> (the same bytes the export wrote, and the SHA-256 recorded
/// with them). An operator sees the national blacklist and its delta, and its own exceptions and notifications (and their
/// deltas), asked for by short name (<c>exceptions.csv</c>) or by their full name (<c>exceptions_Azercell.csv</c>);
/// another operator's files are, for it, files that do not exist.
/// </summary>
public sealed class ListDownloads(RegistryDbContext db)
{
    /// <summary>The names an operator asks by (the blacklist's are the same for all).</summary>
    public static string[] ShortNames { get; } =
    [
        ListFiles.Blacklist, ListFiles.DeltaOf(ListFiles.Blacklist), "exceptions.csv", ListFiles.DeltaOf("exceptions.csv"),
        "notifications.csv", ListFiles.DeltaOf("notifications.csv"),
    ];

    /// <summary>Each short name and the recorded file it means for <paramref name="operatorName"/>.</summary>
    private static Dictionary<string, string> FilesOf(string operatorName)
    {
        string[] files =
        [
            ListFiles.Blacklist, ListFiles.DeltaOf(ListFiles.Blacklist),
            ListFiles.Exceptions(operatorName), ListFiles.DeltaOf(ListFiles.Exceptions(operatorName)),
            ListFiles.Notifications(operatorName), ListFiles.DeltaOf(ListFiles.Notifications(operatorName)),
        ];
        return ShortNames.Zip(files).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <summary>
    /// The recorded file name <paramref name="requested"/> means for <paramref name="operatorName"/>, or null when it names
    /// no file that operator may have (another operator's, or no list file at all): a short name, or one of the operator's
    /// own full names. A short name wins over an operator whose name would make the same file name (an operator named "delta").
    /// </summary>
    public static string? FileNameFor(string requested, string operatorName)
    {
        var files = FilesOf(operatorName);
        return files.TryGetValue(requested, out var name) ? name
            : files.ContainsValue(requested) ? requested
            : null;
    }

    /// <summary>The file of the latest export that wrote <paramref name="requested"/> for the operator, or null.</summary>
    public async Task<ListDownload?> LatestAsync(string requested, string operatorName, CancellationToken ct)
    {
        if (FileNameFor(requested, operatorName) is not { } name)
        {
            return null;
        }

        var file = await db.Set<ListExportFile>().AsNoTracking().Where(f => f.Name == name).OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);
        return file is null ? null : Download(file);
    }

    /// <summary>The file <paramref name="requested"/> of export run <paramref name="runId"/> for the operator, or null.</summary>
    public async Task<ListDownload?> OfRunAsync(long runId, string requested, string operatorName, CancellationToken ct)
    {
        if (FileNameFor(requested, operatorName) is not { } name)
        {
            return null;
        }

        var file = await db.Set<ListExportFile>().AsNoTracking().SingleOrDefaultAsync(f => f.RunId == runId && f.Name == name, ct);
        return file is null ? null : Download(file);
    }

    /// <summary>What the operator can download now under /latest: each short name whose file an export wrote, with its run.</summary>
    public async Task<IReadOnlyList<ListDownloadEntry>> LatestIndexAsync(string operatorName, CancellationToken ct)
    {
        var names = FilesOf(operatorName).ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var wanted = names.Keys.ToList();
        var latest = await db.Set<ListExportFile>().Where(f => wanted.Contains(f.Name)).GroupBy(f => f.Name).Select(g => g.Max(f => f.Id)).ToListAsync(ct);
        var files = await db.Set<ListExportFile>().AsNoTracking().Where(f => latest.Contains(f.Id))
            .Select(f => new { f.Name, f.RunId, f.Rows, f.Sha256 }).ToListAsync(ct);
        return files.Select(f => new ListDownloadEntry(names[f.Name], f.Name, f.RunId, f.Rows, f.Sha256))
            .OrderBy(e => Array.IndexOf(ShortNames, e.Name)).ToList();
    }

    // The export writes the content as UTF-8 without a byte-order mark (ListFiles.WriteAsync): the same bytes.
    private static ListDownload Download(ListExportFile file) => new(file.RunId, file.Name, file.Sha256, Encoding.UTF8.GetBytes(file.Content));
}
