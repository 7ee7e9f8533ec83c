using System.Data.Common;
using System.Globalization;
using System.Text;
using DeviceRegistry.Data;
using FluentValidation;
using MediatR;

namespace DeviceRegistry.Tacs;

/// <summary>Load a GSMA TAC database file into <c>tacs</c>, adding new TACs and updating known ones.</summary>
public sealed record ImportTacs(string FilePath, double MaxBadRatio = ImportTacs.DefaultMaxBadRatio) : IRequest<ImportTacsResult>
{
    public const double DefaultMaxBadRatio = 0.05;
}

/// <summary>A refused data line: where it is and why.</summary>
public sealed record TacReject(long LineNumber, string Reason);

/// <summary>
/// What an import did. When <see cref="Accepted"/> is false nothing was applied and <see cref="Message"/>
/// says why. <see cref="Rejects"/> holds the first bad lines; all of them are in <see cref="RejectsFile"/>.
/// </summary>
public sealed record ImportTacsResult(
    bool Accepted,
    string Message,
    long DataRows,
    int Added,
    int Updated,
    long BadRows,
    IReadOnlyList<TacReject> Rejects,
    string? RejectsFile);

public sealed class ImportTacsValidator : AbstractValidator<ImportTacs>
{
    public ImportTacsValidator()
    {
        RuleFor(x => x.FilePath).NotEmpty()
            .Must(File.Exists).WithMessage(x => $"no such file: {x.FilePath}");
        RuleFor(x => x.MaxBadRatio).InclusiveBetween(0.0, 1.0);
    }
}

/// <summary>
/// Streams the file once inside one transaction, upserting in multi-row batches (no EF change tracking):
/// a full GSMA export has a few hundred thousand TACs. When the share of bad lines exceeds the limit the
/// transaction is rolled back, so a file is applied whole or not at all.
/// </summary>
internal sealed class ImportTacsHandler(RegistryDatabase database) : IRequestHandler<ImportTacs, ImportTacsResult>
{
    internal const int RejectsKept = 100;
    private const int BatchSize = 500;
    private const string Columns = "tac, brand, model, marketing_name, manufacturer, device_type";

    public async Task<ImportTacsResult> Handle(ImportTacs request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.FilePath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var header = await reader.ReadLineAsync(cancellationToken);
        var file = TacFileReader.FromHeader(header, out var headerProblem);
        if (file is null)
        {
            return new ImportTacsResult(false, $"{request.FilePath} rejected: {headerProblem}", 0, 0, 0, 0, [], null);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var existing = await ExistingTacsAsync(connection, cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        var rejectsPath = request.FilePath + ".rejects.csv";
        // A rejects file left by an earlier run would describe lines this run may have accepted.
        File.Delete(rejectsPath);
        StreamWriter? rejectsWriter = null;
        var rejects = new List<TacReject>();
        var lineOfTac = new Dictionary<int, long>();
        var batch = new List<TacModel>(BatchSize);
        long dataRows = 0, badRows = 0, lineNumber = 1;
        int added = 0, updated = 0;
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                dataRows++;
                var parsed = file.Parse(lineNumber, line);
                var problem = parsed.Problem;
                if (parsed.Tac is { } tac && !lineOfTac.TryAdd(tac.Tac, lineNumber))
                {
                    problem = $"TAC {tac.Tac:D8} already given on line {lineOfTac[tac.Tac]}";
                }

                if (problem is not null)
                {
                    badRows++;
                    if (rejects.Count < RejectsKept)
                    {
                        rejects.Add(new TacReject(lineNumber, problem));
                    }

                    rejectsWriter ??= await CreateRejectsFileAsync(rejectsPath);
                    await rejectsWriter.WriteLineAsync($"{lineNumber},{Csv(problem)},{Csv(line)}");
                    continue;
                }

                var good = parsed.Tac!;
                if (existing.Contains(good.Tac))
                {
                    updated++;
                }
                else
                {
                    added++;
                }

                batch.Add(good);
                if (batch.Count == BatchSize)
                {
                    await UpsertAsync(connection, tx, batch, cancellationToken);
                    batch.Clear();
                }
            }

            if (badRows > 0 && badRows > request.MaxBadRatio * dataRows)
            {
                await tx.RollbackAsync(cancellationToken);
                var message = string.Create(CultureInfo.InvariantCulture,
                    $"{request.FilePath} rejected: {badRows} of {dataRows} lines are bad ({(double)badRows / dataRows:P1}), more than the allowed {request.MaxBadRatio:P1}; nothing was loaded");
                return new ImportTacsResult(false, message, dataRows, 0, 0, badRows, rejects, rejectsPath);
            }

            await UpsertAsync(connection, tx, batch, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        finally
        {
            if (rejectsWriter is not null)
            {
                await rejectsWriter.DisposeAsync();
            }
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{request.FilePath}: {dataRows} lines read, {added + updated} TACs loaded ({added} new, {updated} updated), {badRows} bad");
        return new ImportTacsResult(true, summary, dataRows, added, updated, badRows, rejects, badRows > 0 ? rejectsPath : null);
    }

    private static async Task<StreamWriter> CreateRejectsFileAsync(string path)
    {
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteLineAsync("line,reason,row");
        return writer;
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<HashSet<int>> ExistingTacsAsync(DbConnection connection, CancellationToken ct)
    {
        var tacs = new HashSet<int>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT tac FROM tacs";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tacs.Add(reader.GetInt32(0));
        }

        return tacs;
    }

    /// <summary>One multi-row INSERT … ON CONFLICT DO UPDATE; the syntax is the same on SQLite and PostgreSQL.</summary>
    private static async Task UpsertAsync(DbConnection connection, DbTransaction tx, List<TacModel> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var sql = new StringBuilder($"INSERT INTO tacs ({Columns}) VALUES ");
        for (var i = 0; i < batch.Count; i++)
        {
            var tac = batch[i];
            sql.Append(i == 0 ? "(" : ", (");
            sql.Append(Add(cmd, tac.Tac)).Append(", ")
                .Append(Add(cmd, tac.Brand)).Append(", ")
                .Append(Add(cmd, tac.Model)).Append(", ")
                .Append(Add(cmd, tac.MarketingName)).Append(", ")
                .Append(Add(cmd, tac.Manufacturer)).Append(", ")
                .Append(Add(cmd, tac.DeviceType)).Append(')');
        }

        sql.Append(" ON CONFLICT (tac) DO UPDATE SET brand = excluded.brand, model = excluded.model, ")
            .Append("marketing_name = excluded.marketing_name, manufacturer = excluded.manufacturer, device_type = excluded.device_type");
        cmd.CommandText = sql.ToString();
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Add(DbCommand cmd, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@p" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        p.Value = value ?? DBNull.Value;
        if (value is null)
        {
            p.DbType = System.Data.DbType.String;
        }

        cmd.Parameters.Add(p);
        return p.ParameterName;
    }
}
