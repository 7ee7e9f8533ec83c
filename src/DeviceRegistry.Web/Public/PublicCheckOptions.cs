namespace DeviceRegistry.Web.Public;

/// <summary>Settings under <c>PublicCheck</c>.</summary>
public sealed class PublicCheckOptions : DeviceRegistry.Infrastructure.ISettingsSection
{
    public const string Section = "PublicCheck";

    /// <summary>IMEI checks and appeal lookups one client address may make per minute (API and page together).</summary>
    public int PermitPerMinute { get; set; } = 30;

    public IEnumerable<string> Validate(string section)
    {
        if (PermitPerMinute < 1)
        {
            yield return $"{section}:PermitPerMinute is {PermitPerMinute}; it must be at least 1";
        }
    }
}
