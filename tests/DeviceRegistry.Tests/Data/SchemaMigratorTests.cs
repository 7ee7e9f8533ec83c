using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Data;

public sealed class SchemaMigratorTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrating_twice_applies_each_script_once_and_records_its_checksum(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        var migrator = new SchemaMigrator(db.Database);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        var scripts = SchemaMigrator.LoadScripts(provider);
        Assert.Equal(scripts.Select(s => s.Version), first.Applied.Select(s => s.Version));
        Assert.Empty(second.Applied);
        Assert.Equal(scripts.Count, second.AlreadyApplied);

        await using var context = db.CreateContext();
        var recorded = await context.Database
            .SqlQueryRaw<string>("SELECT checksum AS \"Value\" FROM schema_migrations ORDER BY version")
            .ToListAsync();
        Assert.Equal(scripts.Select(s => s.Checksum), recorded);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_script_changed_after_it_was_applied_stops_the_migration(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using (var context = db.CreateContext())
        {
            await context.Database.ExecuteSqlRawAsync("UPDATE schema_migrations SET checksum = 'tampered0000000000' WHERE version = '0001'");
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new SchemaMigrator(db.Database).MigrateAsync());
        Assert.Contains("0001_foundation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", ex.Message, StringComparison.Ordinal);
    }
}
