using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Public;

/// <summary>
/// The public status from the tables on this branch: tacs, seen_imeis (the window runs from
/// first_home_seen for <c>Registration:WindowDays</c> days, deadline day included) and clone_statuses.
/// Registrations, stolen reports and explicit blocks come with the registrations feature's query.
/// </summary>
internal sealed class DatabasePublicStatusSource(
    RegistryDbContext db,
    TimeProvider clock,
    IOptions<RegistrationWindowOptions> window,
    IOptions<PublicCheckOptions> options) : IPublicStatusSource
{
    public async Task<PublicDeviceStatus> GetStatusAsync(Imei imei, CancellationToken ct)
    {
        var tac = imei.Tac;
        var key = imei.Key;
        var model = await db.Tacs.AsNoTracking()
            .Where(t => t.Tac == tac)
            .Select(t => new { t.Brand, t.Model, t.MarketingName })
            .SingleOrDefaultAsync(ct);
        var device = model is null ? null : new DeviceModelInfo(imei.TacText, model.Brand, model.Model ?? model.MarketingName);

        var isClone = await db.Set<CloneStatus>().AsNoTracking()
            .AnyAsync(c => c.Imei == key && c.Status == CloneStatusValues.Clone, ct);
        if (isClone)
        {
            return new PublicDeviceStatus(PublicStatusKind.Clone, device);
        }

        var seen = await db.SeenImeis.AsNoTracking()
            .Where(s => s.Imei == key)
            .Select(s => new { s.FirstHomeSeen })
            .SingleOrDefaultAsync(ct);
        if (seen is null)
        {
            return new PublicDeviceStatus(PublicStatusKind.NeverSeen, device);
        }

        if (seen.FirstHomeSeen is not { } firstHomeSeen)
        {
            return new PublicDeviceStatus(PublicStatusKind.RoamingOnly, device);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var deadline = firstHomeSeen.AddDays(window.Value.WindowDays);
        return today <= deadline
            ? new PublicDeviceStatus(PublicStatusKind.InRegistrationWindow, device, deadline, options.Value.UnlistedModelDutyAzn)
            : new PublicDeviceStatus(PublicStatusKind.BlockedUnregistered, device);
    }
}
