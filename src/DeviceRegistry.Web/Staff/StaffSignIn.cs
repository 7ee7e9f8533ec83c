using System.Security.Claims;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Staff;

/// <summary>Identity's sign-in, refusing accounts disabled by <c>devreg user disable</c> at every step.</summary>
internal sealed class StaffSignInManager(
    UserManager<StaffUser> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<StaffUser> claimsFactory,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<StaffUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<StaffUser> confirmation)
    : SignInManager<StaffUser>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(StaffUser user) =>
        user.DisabledAt is null && await base.CanSignInAsync(user);
}

/// <summary>The audit entries of sign-in, failed sign-in and sign-out (a failure's actor is "anonymous").</summary>
public sealed class SignInAudit(RegistryDbContext db, UserManager<StaffUser> users, TimeProvider clock)
{
    /// <summary>Who acts before anyone has signed in.</summary>
    public static readonly StaffActor Anonymous = new("anonymous", "anonymous", [], null);

    private const int MaxNameInSubject = 150;

    public async Task SignedInAsync(StaffUser user, string how)
    {
        var actor = new StaffActor(user.Id, user.UserName!, [.. await users.GetRolesAsync(user)], user.Office);
        AuditLog.Record(db, actor, AuditActions.SignedIn, Subject(user.UserName!), clock.GetUtcNow().UtcDateTime, reason: how);
        await db.SaveChangesAsync();
    }

    /// <param name="nameTried">The user name as typed (known or not).</param>
    public async Task FailedAsync(string nameTried, string why)
    {
        AuditLog.Record(db, Anonymous, AuditActions.SignInFailed, Subject(nameTried), clock.GetUtcNow().UtcDateTime, reason: why);
        await db.SaveChangesAsync();
    }

    public async Task SignedOutAsync(ClaimsPrincipal user)
    {
        var actor = user.Actor();
        AuditLog.Record(db, actor, AuditActions.SignedOut, Subject(actor.UserName), clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync();
    }

    public static string Subject(string userName) =>
        "user:" + (userName.Length > MaxNameInSubject ? userName[..MaxNameInSubject] : userName);
}

/// <summary>
/// With <c>Staff:RequireTwoFactor</c> on, a reviewer, supervisor or administrator signed in without a second
/// factor reaches only the security page (to set it up), sign-out and the sign-in pages; every other
/// back-office address sends them to the security page. Clerks are exempt.
/// </summary>
internal static class TwoFactorEnrolment
{
    public const string SecurityPath = "/backoffice/account/security";

    private static readonly string[] Open =
        [SecurityPath, "/backoffice/account/signout", StaffAccess.SignInPath, "/backoffice/account/signincode", StaffAccess.AccessDeniedPath];

    public static IApplicationBuilder UseStaffTwoFactorEnrolment(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (MustEnrol(context))
            {
                context.Response.Redirect(SecurityPath);
                return;
            }

            await next();
        });

    private static bool MustEnrol(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/backoffice", StringComparison.OrdinalIgnoreCase)
            || Open.Any(open => path.Equals(open, StringComparison.OrdinalIgnoreCase) || path.Equals(open + "/", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var user = context.User;
        return user.Identity?.IsAuthenticated == true
            && NeedsEnrolment(user, context.RequestServices.GetRequiredService<StaffSettings>());
    }

    /// <summary>Whether this signed-in user must still turn on the second factor.</summary>
    public static bool NeedsEnrolment(ClaimsPrincipal user, StaffSettings settings) =>
        settings.RequireTwoFactor
        && !user.HasClaim(StaffAccess.TwoFactorClaim, "on")
        && StaffRoles.NeedTwoFactor.Any(user.IsInRole);
}
