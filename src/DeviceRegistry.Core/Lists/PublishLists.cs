using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Lists;

/// <summary>
/// An export written and recorded (docs/lists.md): the lists of <see cref="ListsExporter"/>, and for each list with a
/// previous export its delta file; refused whole, nothing written or recorded, when a list would change by more than
/// <c>Lists:MaxChangeShare</c> of its previous rows, unless <paramref name="Force"/>. A null <paramref name="Directory"/>
/// records the export without writing files (the scheduled export without <c>Lists:ExportDirectory</c>): the operators
/// download them from the record.
/// </summary>
public sealed record PublishLists(string? Directory, DateOnly? AsOf = null, string? Operator = null, bool Force = false) : IRequest<PublishedLists>;

public sealed record PublishedFile(string Name, int Rows, string Sha256);

public sealed record PublishedLists(long RunId, DateOnly AsOf, IReadOnlyList<PublishedFile> Files, int UnroutedSims);

/// <summary>The change types of the delta files, as DIRBS words them.</summary>
public static class ChangeTypes
{
    public const string Blocked = "blocked";
    public const string Unblocked = "unblocked";
    public const string Changed = "changed";
    public const string Added = "added";
    public const string Removed = "removed";
    public const string New = "new";
    public const string Resolved = "resolved";
    public const string Blacklisted = "blacklisted";
    public const string NoLongerSeen = "no_longer_seen";
}

/// <summary>An export refused by the change-share check (docs/lists.md): each list over the share, and nothing written or recorded.</summary>
public sealed class ListsExportRefusedException(IReadOnlyList<string> refusals)
    : InvalidOperationException("export refused, nothing written: " + string.Join("; ", refusals) + " (devreg lists export --force writes it anyway)")
{
    public IReadOnlyList<string> Refusals { get; } = refusals;
}

internal sealed class PublishListsHandler(RegistryDbContext db, ListsExporter exporter, RegistryClock clock, ListsSettings settings)
    : IRequestHandler<PublishLists, PublishedLists>
{
    public async Task<PublishedLists> Handle(PublishLists request, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var export = await exporter.ComputeAsync(request.AsOf, request.Operator, ct);
        var lists = ListFiles.Render(export);
        var blacklisted = export.Blacklist.Select(r => r.Imei.ToString("D14", CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        var inWindow = export.InWindow.Select(i => i.ToString("D14", CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);

        var names = lists.Select(l => l.Name).ToList();
        var latest = await db.Set<ListExportFile>().Where(f => names.Contains(f.Name)).GroupBy(f => f.Name).Select(g => g.Max(f => f.Id)).ToListAsync(ct);
        var previous = await db.Set<ListExportFile>().AsNoTracking().Where(f => latest.Contains(f.Id)).ToDictionaryAsync(f => f.Name, StringComparer.Ordinal, ct);

        var files = new List<(string Name, string Content)>(lists);
        var refusals = new List<string>();
        foreach (var (name, content) in lists)
        {
            if (!previous.TryGetValue(name, out var before))
            {
                continue;
            }

            var (header, oldRows) = Split(before.Content);
            var (_, newRows) = Split(content);
            var changes = name == ListFiles.Blacklist ? BlacklistDelta(oldRows, newRows)
                : name.StartsWith("exceptions_", StringComparison.Ordinal) ? ExceptionsDelta(oldRows, newRows)
                : NotificationsDelta(oldRows, newRows, blacklisted, inWindow);
            if (oldRows.Count > 0 && changes.Count > settings.MaxChangeShare * oldRows.Count)
            {
                refusals.Add($"{name} would change {changes.Count} of its {oldRows.Count} rows, more than {ListsSettings.Section}:MaxChangeShare ({settings.MaxChangeShare.ToString("0.###", CultureInfo.InvariantCulture)})");
            }

            var delta = new StringBuilder(header).Append(",change_type\n");
            foreach (var line in changes.Order(StringComparer.Ordinal))
            {
                delta.Append(line).Append('\n');
            }

            files.Add((ListFiles.DeltaOf(name), delta.ToString()));
        }

        if (refusals.Count > 0 && !request.Force)
        {
            throw new ListsExportRefusedException(refusals);
        }

        var run = new ListExportRun
        {
            AsOf = export.AsOf,
            CreatedAt = clock.UtcNow.UtcDateTime,
            Operator = request.Operator,
            Forced = request.Force && refusals.Count > 0,
            BlacklistRows = export.Blacklist.Count,
            ExceptionsRows = export.Operators.Sum(o => o.Exceptions.Count),
            NotificationsRows = export.Operators.Sum(o => o.Notifications.Count),
        };
        foreach (var (name, content) in files)
        {
            run.Files.Add(new ListExportFile { Name = name, Rows = Split(content).Rows.Count, Sha256 = Sha256(content), Content = content });
        }

        // Recorded and written together: a failure writing the files rolls the record back.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(run);
        await db.SaveChangesAsync(ct);
        if (request.Directory is { } directory)
        {
            await ListFiles.WriteAsync(directory, files, ct);
        }

        await tx.CommitAsync(ct);
        return new PublishedLists(run.Id, run.AsOf, run.Files.Select(f => new PublishedFile(f.Name, f.Rows, f.Sha256)).ToList(), export.UnroutedSims);
    }

    private static List<string> BlacklistDelta(List<string> before, List<string> after)
    {
        var (changes, gone) = KeyedDelta(before, after, Imei, ChangeTypes.Blocked);
        changes.AddRange(gone.Select(row => row + "," + ChangeTypes.Unblocked));
        return changes;
    }

    private static List<string> ExceptionsDelta(List<string> before, List<string> after)
    {
        var old = before.ToHashSet(StringComparer.Ordinal);
        var now = after.ToHashSet(StringComparer.Ordinal);
        return now.Where(r => !old.Contains(r)).Select(r => r + "," + ChangeTypes.Added)
            .Concat(old.Where(r => !now.Contains(r)).Select(r => r + "," + ChangeTypes.Removed)).ToList();
    }

    /// <summary>
    /// Keyed on IMEI and IMSI. A triplet gone is blacklisted when its IMEI is now on the blacklist, no_longer_seen when the
    /// IMEI is still inside its window (the SIM moved), resolved otherwise (registered, or the window no longer applies).
    /// </summary>
    private static List<string> NotificationsDelta(List<string> before, List<string> after, HashSet<string> blacklisted, HashSet<string> inWindow)
    {
        var (changes, gone) = KeyedDelta(before, after, Pair, ChangeTypes.New);
        foreach (var row in gone)
        {
            var imei = Imei(row);
            var type = blacklisted.Contains(imei) ? ChangeTypes.Blacklisted : inWindow.Contains(imei) ? ChangeTypes.NoLongerSeen : ChangeTypes.Resolved;
            changes.Add(row + "," + type);
        }

        return changes;
    }

    /// <summary>Rows of <paramref name="after"/> whose key is new (<paramref name="newType"/>) or whose row differs (changed), and the rows of keys gone.</summary>
    private static (List<string> Changes, List<string> Gone) KeyedDelta(List<string> before, List<string> after, Func<string, string> key, string newType)
    {
        var old = before.ToDictionary(key, StringComparer.Ordinal);
        var now = after.ToDictionary(key, StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var (k, row) in now)
        {
            if (!old.TryGetValue(k, out var was))
            {
                changes.Add(row + "," + newType);
            }
            else if (was != row)
            {
                changes.Add(row + "," + ChangeTypes.Changed);
            }
        }

        return (changes, old.Where(o => !now.ContainsKey(o.Key)).Select(o => o.Value).ToList());
    }

    private static string Imei(string row) => row[..row.IndexOf(',', StringComparison.Ordinal)];

    private static string Pair(string row) => row[..row.IndexOf(',', row.IndexOf(',', StringComparison.Ordinal) + 1)];

    private static (string Header, List<string> Rows) Split(string content)
    {
        var lines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (lines[0], lines.Skip(1).ToList());
    }

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
