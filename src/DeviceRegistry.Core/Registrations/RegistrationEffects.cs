using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>What making a registration effective does, shared by registering (exempt, transfer) and paying.</summary>
internal static class RegistrationEffects
{
    /// <summary>
    /// Marks the registration effective, lifts its IMEIs' live NoRegistration blocks and appends an
    /// imei_changes row per IMEI; the caller saves in its transaction. Returns the lifted blocks.
    /// </summary>
    public static async Task<IReadOnlyList<ImeiBlock>> MakeEffectiveAsync(
        RegistryDbContext db, Registration registration, IReadOnlyCollection<long> imeis, DateTime now, string source, CancellationToken ct)
    {
        registration.Status = RegistrationStatus.Effective;
        registration.EffectiveAt = now;
        var blocks = await db.Set<ImeiBlock>()
            .Where(b => imeis.Contains(b.Imei) && b.Reason == BlockReason.NoRegistration && b.LiftedAt == null)
            .ToListAsync(ct);
        foreach (var block in blocks)
        {
            block.LiftedAt = now;
            block.LiftReason = $"registration {registration.Id} effective";
        }

        foreach (var imei in imeis)
        {
            db.Add(new ImeiChange { Imei = imei, Source = source, ChangedAt = now });
        }

        return blocks;
    }
}
