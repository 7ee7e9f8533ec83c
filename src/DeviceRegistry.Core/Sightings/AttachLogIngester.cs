using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Data;

namespace DeviceRegistry.Sightings;

public enum IngestOutcome
{
    Accepted,
    Rejected,
    Missing,
}

/// <summary>How far a file has been read.</summary>
public readonly record struct IngestProgress(long BytesRead, long TotalBytes, long Rows);

/// <summary>What became of one attach-log file.</summary>
public sealed record IngestFileResult
{
    public required string Path { get; init; }

    public required IngestOutcome Outcome { get; init; }

    /// <summary>Why the file was rejected or missing; null when accepted.</summary>
    public string? Message { get; init; }

    public long Rows { get; init; }

    public long BadRows { get; init; }

    public long AcceptedRows => Outcome == IngestOutcome.Accepted ? Rows - BadRows : 0;

    public MergeCounts Counts { get; init; }

    public IReadOnlyList<string> CreatedOperators { get; init; } = [];

    /// <summary>Where the rejected rows were written, when there were any.</summary>
    public string? RejectsPath { get; init; }

    public TimeSpan Elapsed { get; init; }

    public long? RunId { get; init; }

    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// The streaming ingest of one attach-log file: read rows, aggregate them in a bounded buffer, merge
/// full chunks into the store, all in one transaction that is rolled back when the share of bad rows
/// exceeds the allowed ratio. Records an ingest_runs row either way. Plain code, no EF.
/// </summary>
public sealed class AttachLogIngester(RegistryDatabase database, IngestSettings settings, SightingsSettings sightings, Infrastructure.RegistryClock registryClock,
    Identifiers.HomeNetworks homeNetworks)
{
    private readonly TimeProvider clock = registryClock.Time;

    public async Task<IngestFileResult> IngestAsync(string path, string? defaultOperator, double maxBadRatio,
        IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var startedAt = clock.GetUtcNow().UtcDateTime;
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            return new IngestFileResult { Path = path, Outcome = IngestOutcome.Missing, Message = $"{path}: no such file" };
        }

        var today = registryClock.Today();
        var rejectsPath = RejectsFile.PathFor(fullPath);
        await using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var totalBytes = file.Length;

        AttachLogReader reader;
        try
        {
            reader = AttachLogReader.Open(file, registryClock.Offsets(), today, defaultOperator is not null);
        }
        catch (AttachLogFormatException ex)
        {
            using (var rejects = new RejectsFile(rejectsPath))
            {
                rejects.Write(1, ex.Message, FirstLine(fullPath));
            }

            file.Position = 0;
            var sha = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, ct));
            var message = $"{path}: rejected: {ex.Message}";
            var runId = await RecordRejectedRunAsync(fullPath, sha, defaultOperator, startedAt, 0, 0, message, ct);
            return new IngestFileResult
            {
                Path = path, Outcome = IngestOutcome.Rejected, Message = message, RejectsPath = rejectsPath,
                Elapsed = stopwatch.Elapsed, RunId = runId,
            };
        }

        using (reader)
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            if (database.IsSqlite)
            {
                await ExecuteAsync(connection, null, "PRAGMA cache_size = -131072;", ct);
            }

            await using var transaction = await connection.BeginTransactionAsync(ct);
            var operators = await OperatorDirectory.LoadAsync(connection, transaction, clock, ct);
            var defaultOperatorId = defaultOperator is null ? -1 : await operators.ResolveAsync(defaultOperator.Trim(), ct);
            var operatorIds = new List<int>();
            // Two buffers: one fills while the other is merged on another thread (on PostgreSQL the
            // server works meanwhile too). At most one merge runs at a time on the connection.
            ISightingChunk buffer = NewChunk();
            ISightingChunk spare = NewChunk();
            Task<MergeCounts>? merging = null;
            var counts = default(MergeCounts);
            RejectsFile? rejects = null;
            try
            {
                while (true)
                {
                    var outcome = reader.Read(out var row);
                    if (outcome == AttachLogReadOutcome.End)
                    {
                        break;
                    }

                    if ((reader.Rows & 0xFFFF) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        progress?.Report(new IngestProgress(reader.Position, totalBytes, reader.Rows));
                    }

                    if (outcome == AttachLogReadOutcome.BadRow)
                    {
                        rejects ??= new RejectsFile(rejectsPath);
                        rejects.Write(reader.LineNumber, reader.BadReason, reader.BadLine);
                        continue;
                    }

                    int operatorId;
                    if (row.OperatorIndex < 0)
                    {
                        operatorId = defaultOperatorId;
                    }
                    else
                    {
                        while (operatorIds.Count <= row.OperatorIndex)
                        {
                            if (merging is not null)
                            {
                                // Resolving may insert an operator: not while a merge uses the connection.
                                counts += await merging;
                                merging = null;
                            }

                            operatorIds.Add(await operators.ResolveAsync(reader.OperatorNames[operatorIds.Count], ct));
                        }

                        operatorId = operatorIds[row.OperatorIndex];
                    }

                    buffer.Add(row.Imei, row.Imsi, row.Msisdn, operatorId, row.Date);
                    if (buffer.IsFull)
                    {
                        if (merging is not null)
                        {
                            counts += await merging;
                        }

                        var full = buffer;
                        spare.Clear();
                        (buffer, spare) = (spare, full);
                        merging = Task.Run(() => FlushAsync(connection, transaction, full, startedAt, ct), ct);
                    }
                }

                if (merging is not null)
                {
                    counts += await merging;
                    merging = null;
                }

                counts += await FlushAsync(connection, transaction, buffer, startedAt, ct);
                buffer.Clear();
                spare.Clear();
            }
            finally
            {
                if (merging is not null)
                {
                    // Reading failed while a chunk was merging: let it end before the transaction is disposed;
                    // the reader's exception is the one that propagates.
                    await ((Task)merging).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                rejects?.Dispose();
            }

            progress?.Report(new IngestProgress(totalBytes, totalBytes, reader.Rows));
            if (rejects is null && File.Exists(rejectsPath))
            {
                File.Delete(rejectsPath); // from an earlier run of the same file
            }

            var sha256 = reader.Sha256();
            var rows = reader.Rows;
            var bad = reader.BadRows;
            string? rejection = null;
            if (rows == 0)
            {
                rejection = "the file has a header but no rows";
            }
            else if (bad > maxBadRatio * rows)
            {
                rejection = string.Create(CultureInfo.InvariantCulture,
                    $"{bad} of {rows} rows are bad ({100.0 * bad / rows:0.0}%), more than the allowed {100 * maxBadRatio:0.0}% (--max-bad-ratio {maxBadRatio}); nothing of the file was applied; the bad rows are in {rejectsPath}");
            }

            if (rejection is not null)
            {
                await transaction.RollbackAsync(ct);
                var message = $"{path}: rejected: {rejection}";
                var rejectedRunId = await RecordRejectedRunAsync(fullPath, sha256, defaultOperator, startedAt, rows, bad, message, ct);
                return new IngestFileResult
                {
                    Path = path, Outcome = IngestOutcome.Rejected, Message = message, Rows = rows, BadRows = bad,
                    RejectsPath = rejects?.Path, Elapsed = stopwatch.Elapsed, RunId = rejectedRunId,
                };
            }

            var runId = await RecordRunAsync(connection, transaction, fullPath, sha256, defaultOperator, startedAt, rows, bad, accepted: true,
                bad > 0 ? $"{bad} bad row(s) in {rejectsPath}" : null, ct);
            if (sightings.DeferMerge)
            {
                await PendingSightings.QueueRunAsync(connection, transaction, runId, startedAt, ct);
            }

            await transaction.CommitAsync(ct);
            return new IngestFileResult
            {
                Path = path, Outcome = IngestOutcome.Accepted, Rows = rows, BadRows = bad, Counts = counts,
                CreatedOperators = operators.Created, RejectsPath = rejects?.Path, Elapsed = stopwatch.Elapsed, RunId = runId,
            };
        }
    }

    /// <summary>A chunk aggregated for the merge, or the rows as they are when the merge is deferred (<see cref="SightingsSettings.DeferMerge"/>).</summary>
    private ISightingChunk NewChunk() =>
        sightings.DeferMerge ? new AppendBuffer(settings.BufferSize) : new SightingBuffer(settings.BufferSize, homeNetworks);

    /// <summary>A full chunk merged into the store, or appended for the roll-up when the merge is deferred.</summary>
    private static Task<MergeCounts> FlushAsync(DbConnection connection, DbTransaction transaction, ISightingChunk chunk, DateTime startedAt, CancellationToken ct) =>
        chunk switch
        {
            AppendBuffer rows => PendingSightings.AppendAsync(connection, transaction, rows, ct),
            SightingBuffer aggregate => SightingsMerger.MergeAsync(connection, transaction, aggregate, startedAt, ct),
            _ => throw new NotSupportedException(chunk.GetType().Name),
        };

    private async Task<long> RecordRejectedRunAsync(string path, string sha256, string? operatorName, DateTime startedAt,
        long rows, long bad, string message, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var id = await RecordRunAsync(connection, transaction, path, sha256, operatorName, startedAt, rows, bad, accepted: false, message, ct);
        await transaction.CommitAsync(ct);
        return id;
    }

    private async Task<long> RecordRunAsync(DbConnection connection, DbTransaction transaction, string path, string sha256,
        string? operatorName, DateTime startedAt, long rows, long bad, bool accepted, string? message, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText =
            "INSERT INTO ingest_runs (file_name, sha256, operator_name, started_at, finished_at, total_rows, bad_rows, accepted, message) " +
            "VALUES (@file, @sha, @operator, @started, @finished, @rows, @bad, @accepted, @message) RETURNING id";
        AddParameter(cmd, "@file", path);
        AddParameter(cmd, "@sha", sha256);
        AddParameter(cmd, "@operator", (object?)operatorName ?? DBNull.Value);
        AddParameter(cmd, "@started", startedAt);
        AddParameter(cmd, "@finished", clock.GetUtcNow().UtcDateTime);
        AddParameter(cmd, "@rows", rows);
        AddParameter(cmd, "@bad", bad);
        AddParameter(cmd, "@accepted", accepted);
        AddParameter(cmd, "@message", (object?)message ?? DBNull.Value);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    internal static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string FirstLine(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var line = reader.ReadLine() ?? string.Empty;
        return line.Length > 1000 ? line[..1000] : line;
    }
}

/// <summary>Operator names to ids, case-insensitively; unknown names are created in the ingest's transaction.</summary>
internal sealed class OperatorDirectory
{
    private readonly DbConnection connection;
    private readonly DbTransaction transaction;
    private readonly TimeProvider clock;
    private readonly Dictionary<string, int> ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> created = [];

    private OperatorDirectory(DbConnection connection, DbTransaction transaction, TimeProvider clock)
    {
        this.connection = connection;
        this.transaction = transaction;
        this.clock = clock;
    }

    public IReadOnlyList<string> Created => created;

    public static async Task<OperatorDirectory> LoadAsync(DbConnection connection, DbTransaction transaction, TimeProvider clock, CancellationToken ct)
    {
        var directory = new OperatorDirectory(connection, transaction, clock);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT id, name FROM operators ORDER BY id";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            directory.ids.TryAdd(reader.GetString(1), reader.GetInt32(0));
        }

        return directory;
    }

    public async Task<int> ResolveAsync(string name, CancellationToken ct)
    {
        if (ids.TryGetValue(name, out var id))
        {
            return id;
        }

        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT INTO operators (name, created_at) VALUES (@name, @at) RETURNING id";
        AttachLogIngester.AddParameter(cmd, "@name", name);
        AttachLogIngester.AddParameter(cmd, "@at", clock.GetUtcNow().UtcDateTime);
        id = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        ids[name] = id;
        created.Add(name);
        return id;
    }
}
