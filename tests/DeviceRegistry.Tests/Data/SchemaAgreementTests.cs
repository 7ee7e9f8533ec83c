using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace DeviceRegistry.Tests.Data;

/// <summary>
/// The schema belongs to the SQL scripts under database/; the EF Core model must describe it. On each
/// provider a fresh database is migrated with the scripts, its real schema is read back from the
/// catalog, and every table, column, type, nullability and primary key the model maps is compared.
/// </summary>
public sealed class SchemaAgreementTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_ef_model_agrees_with_the_scripted_schema(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var context = db.CreateContext();
        var schema = await DatabaseSchemaReader.ReadAsync(db.Database);

        var differences = SchemaComparison.FindDifferences(RelationalModelOf(context), schema, provider);

        Assert.True(differences.Count == 0,
            $"The EF Core model and the scripts in database/{Folder(provider)} disagree on {provider}:\n  "
            + string.Join("\n  ", differences));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_entity_of_the_model_is_compared(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var context = db.CreateContext();
        var schema = await DatabaseSchemaReader.ReadAsync(db.Database);

        var mappedTables = RelationalModelOf(context).Tables.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        // Feature entities configured through IEntityTypeConfiguration are part of the comparison too.
        Assert.Contains("tacs", mappedTables);
        Assert.Contains("clone_statuses", mappedTables);
        Assert.All(mappedTables, t => Assert.True(schema.ContainsKey(t), $"{t} was not read from the database"));
        Assert.Equal(
            context.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal),
            mappedTables.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_model_that_disagrees_with_the_scripts_is_reported_in_full(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var options = new DbContextOptionsBuilder<MismatchedContext>();
        if (provider == DatabaseProvider.Sqlite)
        {
            options.UseSqlite(db.ConnectionString);
        }
        else
        {
            options.UseNpgsql(db.ConnectionString);
        }

        await using var context = new MismatchedContext(options.Options);
        var schema = await DatabaseSchemaReader.ReadAsync(db.Database);

        var differences = SchemaComparison.FindDifferences(RelationalModelOf(context), schema, provider);
        var report = string.Join("\n", differences);

        List<string> expected =
        [
            "table not_in_any_script: missing",
            "tacs.release_year: column missing",
            "tacs.brand: type",
            "tacs.marketing_name: type",
            "tacs.model: model says NOT NULL, database says NULL",
            "operators.created_at: model says NULL, database says NOT NULL",
            "tacs: primary key is (tac, model) in the model, (tac) in the database",
            "imei_changes.imei: the model expects the database to generate",
        ];
        if (provider == DatabaseProvider.Postgres)
        {
            // SQLite has no lengths and one INTEGER affinity; PostgreSQL's varchar(100) is not varchar(50).
            expected.Add("operators.name: type character varying(50) in the model");
            expected.Add("operators.id: type bigint in the model");
        }

        var notReported = new[] { "operators.secret_hash", "tacs.device_type", "tacs.manufacturer", "tacs.tac:" };
        foreach (var fragment in expected)
        {
            Assert.True(report.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' not reported in:\n{report}");
        }

        // Correctly mapped columns and unmapped nullable ones are not differences.
        foreach (var fragment in notReported)
        {
            Assert.False(report.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' wrongly reported in:\n{report}");
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_unmapped_not_null_column_without_a_default_is_reported(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using (var connection = await db.Database.OpenConnectionAsync())
        await using (var cmd = connection.CreateCommand())
        {
            // SQLite cannot add a NOT NULL column without a default, so the table is made again there.
            cmd.CommandText = "CREATE TABLE qrtz_like_unmapped (id integer NOT NULL PRIMARY KEY); "
                + (provider == DatabaseProvider.Sqlite
                    ? "DROP TABLE tacs; CREATE TABLE tacs (tac INTEGER NOT NULL PRIMARY KEY, brand TEXT NULL, model TEXT NULL, marketing_name TEXT NULL, manufacturer TEXT NULL, device_type TEXT NULL, allocation_year INTEGER NOT NULL DEFAULT 0, bands TEXT NOT NULL);"
                    : "ALTER TABLE tacs ADD COLUMN allocation_year integer NOT NULL DEFAULT 0; ALTER TABLE tacs ADD COLUMN bands text NOT NULL;");
            await cmd.ExecuteNonQueryAsync();
        }

        await using var context = db.CreateContext();
        var schema = await DatabaseSchemaReader.ReadAsync(db.Database);
        var report = string.Join("\n", SchemaComparison.FindDifferences(RelationalModelOf(context), schema, provider));

        Assert.Contains("tacs.bands: NOT NULL column without a default is not in the model", report, StringComparison.Ordinal);
        Assert.DoesNotContain("allocation_year", report, StringComparison.Ordinal);
        Assert.DoesNotContain("qrtz_like_unmapped", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("varchar(15)", "character varying(15)")]
    [InlineData("VARCHAR (15)", "character varying(15)")]
    [InlineData("timestamptz", "timestamp with time zone")]
    [InlineData("timestamp", "timestamp without time zone")]
    [InlineData("int4", "integer")]
    [InlineData("int", "integer")]
    [InlineData("int8", "bigint")]
    [InlineData("bool", "boolean")]
    [InlineData("float8", "double precision")]
    [InlineData("decimal(12,2)", "numeric(12,2)")]
    [InlineData("numeric(12, 2)", "numeric(12,2)")]
    [InlineData("character varying(100)", "character varying(100)")]
    public void PostgreSQL_type_names_are_compared_in_one_spelling(string given, string canonical)
    {
        Assert.Equal(canonical, SchemaComparison.NormalizePostgresType(given));
    }

    [Theory]
    [InlineData("INTEGER", "INTEGER")]
    [InlineData("bigint", "INTEGER")]
    [InlineData("TEXT", "TEXT")]
    [InlineData("varchar(15)", "TEXT")]
    [InlineData("REAL", "REAL")]
    [InlineData("double precision", "REAL")]
    [InlineData("BLOB", "BLOB")]
    [InlineData("", "BLOB")]
    [InlineData("numeric(12,2)", "NUMERIC")]
    public void SQLite_types_are_compared_by_affinity(string declared, string affinity)
    {
        Assert.Equal(affinity, SchemaComparison.SqliteAffinity(declared));
    }

    private static IRelationalModel RelationalModelOf(DbContext context) =>
        context.GetService<IDesignTimeModel>().Model.GetRelationalModel();

    private static string Folder(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres";

    /// <summary>A deliberately wrong model over the real scripts, to prove the comparison sees real mismatches.</summary>
    private sealed class MismatchedContext(DbContextOptions<MismatchedContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<WrongTac>(e =>
            {
                e.ToTable("tacs");
                e.HasKey(x => new { x.Tac, x.Model });
                e.Property(x => x.Tac).HasColumnName("tac").ValueGeneratedNever();
                e.Property(x => x.Brand).HasColumnName("brand");
                e.Property(x => x.Model).HasColumnName("model").IsRequired();
                e.Property(x => x.MarketingName).HasColumnName("marketing_name");
                e.Property(x => x.Manufacturer).HasColumnName("manufacturer");
                e.Property(x => x.ReleaseYear).HasColumnName("release_year");
            });
            modelBuilder.Entity<WrongOperator>(e =>
            {
                e.ToTable("operators");
                e.HasKey(x => x.Id);
                e.Property(x => x.Id).HasColumnName("id");
                e.Property(x => x.Name).HasColumnName("name").HasMaxLength(50);
                e.Property(x => x.CreatedAt).HasColumnName("created_at");
            });
            modelBuilder.Entity<WrongImeiChange>(e =>
            {
                e.ToTable("imei_changes");
                e.HasKey(x => x.Id);
                e.Property(x => x.Id).HasColumnName("id");
                e.Property(x => x.Imei).HasColumnName("imei").ValueGeneratedOnAdd();
                e.Property(x => x.Source).HasColumnName("source");
                e.Property(x => x.ChangedAt).HasColumnName("changed_at");
            });
            modelBuilder.Entity<Unscripted>(e =>
            {
                e.ToTable("not_in_any_script");
                e.HasKey(x => x.Id);
                e.Property(x => x.Id).HasColumnName("id");
            });
        }
    }

    private sealed class WrongTac
    {
        public int Tac { get; set; }

        public long Brand { get; set; }

        public string Model { get; set; } = string.Empty;

        public int MarketingName { get; set; }

        public string? Manufacturer { get; set; }

        public int? ReleaseYear { get; set; }
    }

    private sealed class WrongOperator
    {
        public long Id { get; set; }

        public string Name { get; set; } = string.Empty;

        public DateTime? CreatedAt { get; set; }
    }

    /// <summary>Claims the database numbers imei_changes.imei itself; the script gives it no identity or default.</summary>
    private sealed class WrongImeiChange
    {
        public long Id { get; set; }

        public long Imei { get; set; }

        public string Source { get; set; } = string.Empty;

        public DateTime ChangedAt { get; set; }
    }

    private sealed class Unscripted
    {
        public int Id { get; set; }
    }
}

/// <summary>A column as the database's catalog describes it.</summary>
internal sealed record DatabaseColumn(string Name, string Type, bool IsNullable, bool HasDefaultOrIdentity);

/// <summary>A table as the database's catalog describes it; <see cref="PrimaryKey"/> in key order.</summary>
internal sealed record DatabaseTable(string Name, IReadOnlyDictionary<string, DatabaseColumn> Columns, IReadOnlyList<string> PrimaryKey);

internal static class DatabaseSchemaReader
{
    public static async Task<IReadOnlyDictionary<string, DatabaseTable>> ReadAsync(RegistryDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        return database.IsSqlite ? await ReadSqliteAsync(connection) : await ReadPostgresAsync(connection);
    }

    private static async Task<IReadOnlyDictionary<string, DatabaseTable>> ReadSqliteAsync(DbConnection connection)
    {
        var names = new List<string>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new Dictionary<string, DatabaseTable>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var columns = new Dictionary<string, DatabaseColumn>(StringComparer.Ordinal);
            var key = new List<(int Order, string Column, string Type)>();
            await using (var cmd = connection.CreateCommand())
            {
                // table_xinfo also lists generated columns; hidden = 1 marks virtual-table internals.
                cmd.CommandText = $"SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo('{name.Replace("'", "''", StringComparison.Ordinal)}')";
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    if (reader.GetInt64(5) == 1)
                    {
                        continue;
                    }

                    var column = reader.GetString(0);
                    var type = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
                    var pk = (int)reader.GetInt64(4);
                    if (pk > 0)
                    {
                        key.Add((pk, column, type));
                    }

                    columns[column] = new DatabaseColumn(column, type, reader.GetInt64(2) == 0, !reader.IsDBNull(3) || reader.GetInt64(5) > 1);
                }
            }

            // A lone INTEGER PRIMARY KEY is the rowid: never NULL, and SQLite assigns it when none is given.
            if (key.Count == 1 && string.Equals(key[0].Type, "INTEGER", StringComparison.OrdinalIgnoreCase))
            {
                columns[key[0].Column] = columns[key[0].Column] with { IsNullable = false, HasDefaultOrIdentity = true };
            }

            tables[name] = new DatabaseTable(name, columns, key.OrderBy(k => k.Order).Select(k => k.Column).ToList());
        }

        return tables;
    }

    private static async Task<IReadOnlyDictionary<string, DatabaseTable>> ReadPostgresAsync(DbConnection connection)
    {
        var columnsByTable = new Dictionary<string, Dictionary<string, DatabaseColumn>>(StringComparer.Ordinal);
        await using (var cmd = connection.CreateCommand())
        {
            // information_schema gives nullability and defaults; format_type gives the type as PostgreSQL spells it
            // with its modifiers (character varying(15), numeric(12,2), timestamp with time zone).
            cmd.CommandText = """
                SELECT c.table_name, c.column_name,
                       format_type(a.atttypid, a.atttypmod),
                       c.is_nullable = 'YES',
                       c.column_default IS NOT NULL OR c.is_identity = 'YES' OR c.is_generated = 'ALWAYS'
                FROM information_schema.columns c
                JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
                JOIN pg_catalog.pg_class t ON t.relnamespace = n.oid AND t.relname = c.table_name
                JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
                WHERE c.table_schema = current_schema() AND t.relkind IN ('r', 'p')
                """;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                if (!columnsByTable.TryGetValue(table, out var columns))
                {
                    columnsByTable[table] = columns = new Dictionary<string, DatabaseColumn>(StringComparer.Ordinal);
                }

                var name = reader.GetString(1);
                columns[name] = new DatabaseColumn(name, reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4));
            }
        }

        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                SELECT k.table_name, k.column_name
                FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage k
                  ON k.constraint_name = tc.constraint_name AND k.constraint_schema = tc.constraint_schema AND k.table_name = tc.table_name
                WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
                ORDER BY k.table_name, k.ordinal_position
                """;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                if (!keys.TryGetValue(table, out var key))
                {
                    keys[table] = key = [];
                }

                key.Add(reader.GetString(1));
            }
        }

        return columnsByTable.ToDictionary(
            t => t.Key,
            t => new DatabaseTable(t.Key, t.Value, keys.TryGetValue(t.Key, out var key) ? key : []),
            StringComparer.Ordinal);
    }
}

internal static partial class SchemaComparison
{
    /// <summary>Every way the relational model differs from the database, one line each; empty when they agree.</summary>
    public static List<string> FindDifferences(IRelationalModel model, IReadOnlyDictionary<string, DatabaseTable> database, DatabaseProvider provider)
    {
        var differences = new List<string>();
        foreach (var table in model.Tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!database.TryGetValue(table.Name, out var actual))
            {
                var entities = string.Join(", ", table.EntityTypeMappings.Select(m => m.TypeBase.DisplayName()));
                differences.Add($"table {table.Name}: missing from the database (mapped by {entities})");
                continue;
            }

            foreach (var column in table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                CompareColumn(table.Name, column, actual, provider, differences);
            }

            var mappedNames = table.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var unmapped in actual.Columns.Values.Where(c => !mappedNames.Contains(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                if (!unmapped.IsNullable && !unmapped.HasDefaultOrIdentity)
                {
                    differences.Add($"{table.Name}.{unmapped.Name}: NOT NULL column without a default is not in the model, so inserts through EF would fail");
                }
            }

            var modelKey = table.PrimaryKey?.Columns.Select(c => c.Name).ToList() ?? [];
            if (!modelKey.SequenceEqual(actual.PrimaryKey, StringComparer.Ordinal))
            {
                differences.Add($"{table.Name}: primary key is ({string.Join(", ", modelKey)}) in the model, ({string.Join(", ", actual.PrimaryKey)}) in the database");
            }
        }

        return differences;
    }

    private static void CompareColumn(string table, IColumn column, DatabaseTable actual, DatabaseProvider provider, List<string> differences)
    {
        // PostgreSQL's system column xmin (Npgsql's concurrency token) exists in every table but not in the catalog views.
        if (provider == DatabaseProvider.Postgres && column.Name == "xmin")
        {
            return;
        }

        if (!actual.Columns.TryGetValue(column.Name, out var dbColumn))
        {
            differences.Add($"{table}.{column.Name}: column missing from the database (model type {column.StoreType})");
            return;
        }

        var (modelType, dbType) = provider == DatabaseProvider.Sqlite
            ? (SqliteAffinity(column.StoreType), SqliteAffinity(dbColumn.Type))
            : (NormalizePostgresType(column.StoreType), NormalizePostgresType(dbColumn.Type));
        if (!string.Equals(modelType, dbType, StringComparison.Ordinal))
        {
            var affinities = provider == DatabaseProvider.Sqlite ? $" (affinity {modelType} vs {dbType})" : string.Empty;
            differences.Add($"{table}.{column.Name}: type {column.StoreType} in the model, {dbColumn.Type} in the database{affinities}");
        }

        if (column.IsNullable != dbColumn.IsNullable)
        {
            differences.Add($"{table}.{column.Name}: model says {NullText(column.IsNullable)}, database says {NullText(dbColumn.IsNullable)}");
        }

        var generatedByStore = column.PropertyMappings.Any(m =>
            m.Property.ValueGenerated.HasFlag(ValueGenerated.OnAdd)
            && m.Property.GetDefaultValueSql() is null
            && m.Property.GetComputedColumnSql() is null
            && m.Property.GetValueGeneratorFactory() is null
            && !IsGeneratedOnTheClient(m.Property.ClrType));
        if (generatedByStore && !dbColumn.HasDefaultOrIdentity)
        {
            differences.Add($"{table}.{column.Name}: the model expects the database to generate its value on insert, but the database has no identity or default for it");
        }
    }

    // EF Core makes Guid keys itself; every other OnAdd key (integer identities) is the database's job.
    private static bool IsGeneratedOnTheClient(Type type) => type == typeof(Guid) || type == typeof(Guid?);

    private static string NullText(bool nullable) => nullable ? "NULL" : "NOT NULL";

    /// <summary>SQLite's column affinity for a declared type (https://sqlite.org/datatype3.html, 3.1).</summary>
    public static string SqliteAffinity(string declared)
    {
        var type = declared.ToUpperInvariant();
        if (type.Contains("INT", StringComparison.Ordinal))
        {
            return "INTEGER";
        }

        if (type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal))
        {
            return "TEXT";
        }

        if (type.Length == 0 || type.Contains("BLOB", StringComparison.Ordinal))
        {
            return "BLOB";
        }

        return type.Contains("REAL", StringComparison.Ordinal) || type.Contains("FLOA", StringComparison.Ordinal) || type.Contains("DOUB", StringComparison.Ordinal)
            ? "REAL"
            : "NUMERIC";
    }

    /// <summary>Spells a PostgreSQL type as format_type() does, so aliases compare equal.</summary>
    public static string NormalizePostgresType(string type)
    {
        var text = Whitespace().Replace(type.Trim().ToLowerInvariant(), " ");
        text = text.Replace(" (", "(", StringComparison.Ordinal).Replace(", ", ",", StringComparison.Ordinal);
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var baseName = open < 0 ? text : text[..open];
        var modifiers = open < 0 ? string.Empty : text[open..];
        if (baseName.StartsWith("timestamp", StringComparison.Ordinal) || baseName.StartsWith("time", StringComparison.Ordinal))
        {
            // timestamp(3) with time zone keeps its precision in the middle; handle the common spellings only.
            return text switch
            {
                "timestamptz" => "timestamp with time zone",
                "timestamp" => "timestamp without time zone",
                "timetz" => "time with time zone",
                "time" => "time without time zone",
                _ => text,
            };
        }

        var canonical = baseName switch
        {
            "varchar" => "character varying",
            "char" or "bpchar" => "character",
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "int2" => "smallint",
            "bool" => "boolean",
            "float8" => "double precision",
            "float4" => "real",
            "decimal" => "numeric",
            _ => baseName,
        };
        return string.Create(CultureInfo.InvariantCulture, $"{canonical}{modifiers}");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
