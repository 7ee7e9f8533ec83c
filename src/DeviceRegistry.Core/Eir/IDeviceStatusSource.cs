using System.Data.Common;

namespace DeviceRegistry.Eir;

/// <summary>
/// Where the index reads registrations, payments and blocks. Those tables come with the registration
/// feature (0003_registrations); until it is wired in, <see cref="NoDeviceStatusSource"/> reports none.
/// An implementation reports, for each IMEI it knows, the combined flags.
/// </summary>
public interface IDeviceStatusSource
{
    /// <summary>Every IMEI that is registered or blocked (the start-up load).</summary>
    Task ReadAllAsync(DbConnection connection, Action<long, DeviceStatusFlags> report, CancellationToken ct);

    /// <summary>The current flags of these IMEIs (after imei_changes named them); IMEIs not reported have none.</summary>
    Task ReadAsync(DbConnection connection, IReadOnlyList<long> imeis, Action<long, DeviceStatusFlags> report, CancellationToken ct);
}

/// <summary>Reports no registrations or blocks: the placeholder until the registration tables exist.</summary>
public sealed class NoDeviceStatusSource : IDeviceStatusSource
{
    public Task ReadAllAsync(DbConnection connection, Action<long, DeviceStatusFlags> report, CancellationToken ct) => Task.CompletedTask;

    public Task ReadAsync(DbConnection connection, IReadOnlyList<long> imeis, Action<long, DeviceStatusFlags> report, CancellationToken ct) =>
        Task.CompletedTask;
}
