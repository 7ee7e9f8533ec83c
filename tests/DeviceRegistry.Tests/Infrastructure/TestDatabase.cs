using DeviceRegistry.Data;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated database of one provider for one test: a temporary SQLite file, or a new
/// database in the PostgreSQL test cluster. Disposing it deletes it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? sqliteDirectory;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? sqliteDirectory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.sqliteDirectory = sqliteDirectory;
        Database = new RegistryDatabase(DatabaseOptions.For(provider, connectionString));
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public RegistryDatabase Database { get; }

    /// <summary>A fixed operator credential key for PostgreSQL test databases (a SQLite one generates its own beside the file).</summary>
    public const string PostgresCredentialKey = "dGVzdC1vbmx5IGNyZWRlbnRpYWwga2V5IGZvciBQb3N0Z3JlU1FMIHRlc3Rz";

    /// <summary>The configuration keys that point the CLI or the web host at this database (and, for PostgreSQL, its credential key).</summary>
    public IReadOnlyDictionary<string, string?> Settings => Provider == DatabaseProvider.Postgres
        ? new Dictionary<string, string?>
        {
            ["Database:Provider"] = Provider.ToString(),
            ["ConnectionStrings:Registry"] = ConnectionString,
            ["Eir:CredentialKey"] = PostgresCredentialKey,
        }
        : new Dictionary<string, string?>
        {
            ["Database:Provider"] = Provider.ToString(),
            ["ConnectionStrings:Registry"] = ConnectionString,
        };

    /// <summary>Both providers, for [Theory] [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))].</summary>
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        TestDatabase db;
        if (provider == DatabaseProvider.Sqlite)
        {
            var dir = Directory.CreateTempSubdirectory("devreg-test-").FullName;
            var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir, "registry.db"), Pooling = false }.ToString();
            db = new TestDatabase(provider, cs, dir);
        }
        else
        {
            db = new TestDatabase(provider, PostgresCluster.CreateDatabase(), null);
        }

        if (migrate)
        {
            await new SchemaMigrator(db.Database).MigrateAsync();
        }

        return db;
    }

    public RegistryDbContext CreateContext() => Database.CreateContext();

    public async ValueTask DisposeAsync()
    {
        if (sqliteDirectory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        else
        {
            await Task.Run(() => PostgresCluster.DropDatabase(ConnectionString));
        }
    }
}
