using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace DeviceRegistry.Data;

/// <summary>One versioned SQL script from database/{provider}/NNNN_name.sql.</summary>
public sealed record SchemaScript(string Version, string Name, string Sql, string Checksum);

/// <summary>What <see cref="SchemaMigrator.MigrateAsync"/> did.</summary>
public sealed record MigrationResult(IReadOnlyList<SchemaScript> Applied, int AlreadyApplied);

/// <summary>
/// Applies the versioned SQL scripts embedded from database/ in order, each in its own transaction,
/// and records version and SHA-256 checksum in schema_migrations. A script that changed after it was
/// applied stops the migration: schema history is append-only.
/// </summary>
public sealed class SchemaMigrator(RegistryDatabase database)
{
    public static IReadOnlyList<SchemaScript> LoadScripts(DatabaseProvider provider)
    {
        var folder = provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres";
        var prefix = $"database/{folder}/";
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = name[prefix.Length..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0)
            {
                throw new InvalidOperationException($"Schema script '{name}' is not named NNNN_description.sql");
            }

            var sql = ReadResource(assembly, resource).Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            scripts.Add(new SchemaScript(file[..underscore], file[(underscore + 1)..], sql, checksum));
        }

        scripts.Sort((a, b) => string.CompareOrdinal(a.Version, b.Version));
        return scripts;
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        if (database.IsSqlite)
        {
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", ct);
        }

        await ExecuteAsync(connection, null, database.IsSqlite
            ? "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL);"
            : "CREATE TABLE IF NOT EXISTS schema_migrations (version text NOT NULL PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamp with time zone NOT NULL);", ct);

        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT version, checksum FROM schema_migrations";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var done = new List<SchemaScript>();
        var skipped = 0;
        foreach (var script in LoadScripts(database.Provider))
        {
            if (applied.TryGetValue(script.Version, out var checksum))
            {
                if (!string.Equals(checksum, script.Checksum, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"Schema script {script.Version}_{script.Name} was changed after it was applied (checksum {checksum[..12]}… recorded, {script.Checksum[..12]}… now). Add a new script instead.");
                }

                skipped++;
                continue;
            }

            await using var tx = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, tx, script.Sql, ct);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@v, @n, @c, @a)";
                AddParameter(record, "@v", script.Version);
                AddParameter(record, "@n", script.Name);
                AddParameter(record, "@c", script.Checksum);
                AddParameter(record, "@a", database.IsSqlite ? DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) : DateTime.UtcNow);
                await record.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            done.Add(script);
        }

        return new MigrationResult(done, skipped);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
