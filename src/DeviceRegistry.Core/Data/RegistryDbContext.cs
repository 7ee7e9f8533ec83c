using System.Text;
using DeviceRegistry.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Data;

/// <summary>
/// The EF Core model of the registry. The schema itself is owned by the SQL scripts under
/// database/ (see docs/adr/0002-schema-as-sql.md); a test keeps the two in agreement.
/// Feature folders add their own entities through IEntityTypeConfiguration classes. Staff accounts are
/// ASP.NET Core Identity's tables, named staff_* here.
/// </summary>
public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : IdentityDbContext<StaffUser>(options)
{
    public DbSet<Operator> Operators => Set<Operator>();

    public DbSet<Sighting> Sightings => Set<Sighting>();

    public DbSet<PendingSighting> PendingSightings => Set<PendingSighting>();

    public DbSet<SeenImei> SeenImeis => Set<SeenImei>();

    public DbSet<IngestRun> IngestRuns => Set<IngestRun>();

    public DbSet<TacModel> Tacs => Set<TacModel>();

    public DbSet<ImeiChange> ImeiChanges => Set<ImeiChange>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<StaffUser>().ToTable("staff_users");
        builder.Entity<IdentityRole>().ToTable("staff_roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("staff_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("staff_user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("staff_user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("staff_user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("staff_role_claims");
        builder.Entity<Operator>(e =>
        {
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(100);
        });
        builder.Entity<Sighting>(e =>
        {
            e.HasKey(x => new { x.Imei, x.Imsi, x.OperatorId, x.Month });
            e.Property(x => x.Imsi).HasMaxLength(15);
            e.Property(x => x.Msisdn).HasMaxLength(15);
            // No foreign key to operators (database/*/0005_sightings_load.sql, docs/adr/0006-sightings-without-foreign-key.md):
            // the ingest resolves operator ids itself. One secondary index, for a SIM's whereabouts (docs/adr/0019-sim-whereabouts.md).
            e.HasIndex(x => new { x.Imsi, x.Month }).HasDatabaseName("ix_sightings_imsi");
        });
        builder.Entity<PendingSighting>(e =>
        {
            e.ToTable("sightings_pending");
            e.HasNoKey();
            e.Property(x => x.Imsi).HasMaxLength(15);
            e.Property(x => x.Msisdn).HasMaxLength(15);
        });
        builder.Entity<SeenImei>(e =>
        {
            e.HasKey(x => x.Imei);
            e.Property(x => x.Imei).ValueGeneratedNever();
        });
        builder.Entity<IngestRun>(e => e.HasIndex(x => x.Sha256));
        builder.Entity<TacModel>(e =>
        {
            e.ToTable("tacs");
            e.HasKey(x => x.Tac);
            e.Property(x => x.Tac).ValueGeneratedNever();
        });

        builder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
        ApplySnakeCaseNames(builder);
    }

    /// <summary>Tables and columns are snake_case in both databases, as the SQL scripts write them.</summary>
    private static void ApplySnakeCaseNames(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is not null)
            {
                entity.SetTableName(ToSnakeCase(table));
            }

            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.GetColumnName()));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(ToSnakeCase(key.GetName()!));
            }

            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(ToSnakeCase(fk.GetConstraintName()!));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(ToSnakeCase(index.GetDatabaseName()!));
            }
        }
    }

    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
