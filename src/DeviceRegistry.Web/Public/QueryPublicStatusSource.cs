using DeviceRegistry.Devices;
using DeviceRegistry.Identifiers;
using MediatR;

namespace DeviceRegistry.Web.Public;

/// <summary>
/// The public status from the one shared status query (<see cref="GetImeiStatus"/>), the same one
/// <c>devreg check</c> uses, reduced to what a citizen may see.
/// </summary>
internal sealed class QueryPublicStatusSource(IMediator mediator) : IPublicStatusSource
{
    public async Task<PublicDeviceStatus> GetStatusAsync(Imei imei, CancellationToken ct)
    {
        // Already parsed (and Luhn-checked where typed); a junk-pattern number is looked up too.
        var status = (await mediator.Send(GetImeiStatus.For(imei), ct)).ToPublic();
        var device = status.Brand is null && status.Model is null ? null : new DeviceModelInfo(imei.TacText, status.Brand, status.Model);
        var found = status.Status switch
        {
            DeviceStatus.NotSeen => new PublicDeviceStatus(PublicStatusKind.NeverSeen, device),
            DeviceStatus.RoamingOnly => new PublicDeviceStatus(PublicStatusKind.RoamingOnly, device),
            DeviceStatus.InWindow => new PublicDeviceStatus(PublicStatusKind.InRegistrationWindow, device, status.Deadline, status.DutyHintAzn),
            DeviceStatus.WindowEnded or DeviceStatus.BlockedNoRegistration => new PublicDeviceStatus(PublicStatusKind.BlockedUnregistered, device),
            DeviceStatus.Registered => new PublicDeviceStatus(PublicStatusKind.Registered, device),
            DeviceStatus.Stolen => new PublicDeviceStatus(PublicStatusKind.ReportedStolen, device),
            DeviceStatus.Clone => new PublicDeviceStatus(PublicStatusKind.Clone, device),
            _ => throw new InvalidOperationException($"No public wording for status {status.Status}"),
        };
        return found with { TacUnknown = status.TacUnknown };
    }
}
