using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Eir;

/// <summary>How many attach checks got one equipment status on one day (the registry's date).</summary>
public sealed class EirAnswerCount
{
    public DateOnly Day { get; set; }

    /// <summary>The TS 29.511 word of the answer (<see cref="EquipmentStatusWords"/>): WHITELISTED, BLACKLISTED, ….</summary>
    public required string EquipmentStatus { get; set; }

    public long Answers { get; set; }
}

/// <summary>Adds counted answers to eir_answer_counts: one upsert per day and status, on either provider.</summary>
public static class EirAnswerCountStore
{
    public static async Task AddAsync(RegistryDatabase database, IReadOnlyCollection<(DateOnly Day, EquipmentStatus Status, long Answers)> counts, CancellationToken ct)
    {
        if (counts.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var (day, status, answers) in counts)
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = "INSERT INTO eir_answer_counts (day, equipment_status, answers) VALUES (@day, @status, @answers) "
                + "ON CONFLICT (day, equipment_status) DO UPDATE SET answers = eir_answer_counts.answers + excluded.answers";
            DbValues.AddParameter(cmd, "@day", DbValues.DateParameter(database, day));
            DbValues.AddParameter(cmd, "@status", EquipmentStatusWords.Of(status));
            DbValues.AddParameter(cmd, "@answers", answers);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}

internal sealed class EirAnswerCountConfiguration : IEntityTypeConfiguration<EirAnswerCount>
{
    public void Configure(EntityTypeBuilder<EirAnswerCount> e)
    {
        e.ToTable("eir_answer_counts");
        e.HasKey(x => new { x.Day, x.EquipmentStatus });
        e.Property(x => x.EquipmentStatus).HasMaxLength(30);
    }
}
