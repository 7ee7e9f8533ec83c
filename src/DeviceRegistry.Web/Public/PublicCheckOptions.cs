namespace DeviceRegistry.Web.Public;

/// <summary>Settings under <c>PublicCheck</c>.</summary>
public sealed class PublicCheckOptions
{
    public const string Section = "PublicCheck";

    /// <summary>IMEI checks one client address may make per minute (API and page together).</summary>
    public int PermitPerMinute { get; set; } = 30;
}
