using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Staff;

/// <summary>
/// A member of staff who signs in to the back office (ASP.NET Core Identity's user, in table staff_users).
/// A clerk belongs to a post office; the other roles are national.
/// </summary>
public sealed class StaffUser : IdentityUser
{
    /// <summary>The post office a clerk works at (e.g. "Baku 1"); null for national roles.</summary>
    public string? Office { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Set by <c>devreg user disable</c>: the account can no longer sign in; it stays for the audit trail.</summary>
    public DateTime? DisabledAt { get; set; }
}

/// <summary>The four staff roles (Identity role names) and what each may do.</summary>
public static class StaffRoles
{
    /// <summary>A post office: files appeals and follows its office's appeals.</summary>
    public const string Clerk = "clerk";

    /// <summary>The analytic group: examines the evidence and decides.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Assigns appeals, confirms a lifted verdict (the second person), sees statistics.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Staff accounts, operators, settings, jobs.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Clerk, Reviewer, Supervisor, Admin];

    /// <summary>Roles that see subscriber identities and so must sign in with a second factor.</summary>
    public static readonly IReadOnlyList<string> NeedTwoFactor = [Reviewer, Supervisor, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

/// <summary>Authorization policy names, one per kind of back-office work (the web host maps them to roles).</summary>
public static class StaffPolicies
{
    /// <summary>Any signed-in member of staff.</summary>
    public const string Staff = "staff";

    /// <summary>Filing appeals and answering information requests: clerks.</summary>
    public const string Intake = "intake";

    /// <summary>Examining evidence and deciding: reviewers and supervisors.</summary>
    public const string Review = "review";

    /// <summary>Assigning, confirming a lift, statistics: supervisors.</summary>
    public const string Supervise = "supervise";

    /// <summary>Staff accounts and the system: administrators.</summary>
    public const string Administer = "administer";

    /// <summary>Reading the audit log: supervisors and administrators.</summary>
    public const string Audit = "audit";

    /// <summary>The roles each policy admits.</summary>
    public static IReadOnlyList<string> RolesFor(string policy) => policy switch
    {
        Staff => StaffRoles.All,
        Intake => [StaffRoles.Clerk],
        Review => [StaffRoles.Reviewer, StaffRoles.Supervisor],
        Supervise => [StaffRoles.Supervisor],
        Administer => [StaffRoles.Admin],
        Audit => [StaffRoles.Supervisor, StaffRoles.Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "no such staff policy"),
    };

    public static readonly IReadOnlyList<string> All = [Staff, Intake, Review, Supervise, Administer, Audit];
}

/// <summary>
/// Who is acting, as the use cases see it: taken from the signed-in user by the web host or named on the
/// command line. Every audited action carries one.
/// </summary>
public sealed record StaffActor(string UserId, string UserName, IReadOnlyList<string> Roles, string? Office)
{
    public bool IsIn(string role) => Roles.Contains(role);

    /// <summary>The command line acting for an administrator at the console.</summary>
    public static StaffActor Console(string userName) => new("console", userName, [StaffRoles.Admin], null);
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> e)
    {
        e.Property(x => x.Office).HasMaxLength(100);
    }
}
