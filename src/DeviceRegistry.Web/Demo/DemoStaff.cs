using DeviceRegistry.Staff;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace DeviceRegistry.Web.Demo;

/// <summary>
/// One staff account of each role for the demo, created through the same use case as <c>devreg user add</c>.
/// In Development every account gets the documented <see cref="DevelopmentPassword"/> (README, "Demo staff
/// accounts"); in any other environment that asked for the demo data set each gets a random password, which
/// the start-up log shows once. Accounts already present are left as they are.
/// </summary>
public static class DemoStaff
{
    /// <summary>The demo accounts' password in Development only.</summary>
    public const string DevelopmentPassword = "Demo-Registry-2026";

    /// <summary>The demo accounts: user name, role, office (clerks only).</summary>
    public static readonly IReadOnlyList<(string UserName, string Role, string? Office)> Accounts =
    [
        ("clerk", StaffRoles.Clerk, "Baku Post Office 1"),
        ("clerk2", StaffRoles.Clerk, "Ganja Post Office 3"),
        ("reviewer", StaffRoles.Reviewer, null),
        ("reviewer2", StaffRoles.Reviewer, null),
        ("supervisor", StaffRoles.Supervisor, null),
        ("admin", StaffRoles.Admin, null),
    ];

    /// <summary>Who the audit log says created the demo accounts.</summary>
    public static readonly StaffActor Actor = new("demo", "demo data set", [StaffRoles.Admin], null);

    /// <summary>Creates the demo accounts not yet present; returns those created now with their passwords.</summary>
    public static async Task<IReadOnlyList<(string UserName, string Role, string Password)>> CreateAsync(IServiceProvider services, CancellationToken ct)
    {
        var development = services.GetRequiredService<IHostEnvironment>().IsDevelopment();
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var created = new List<(string UserName, string Role, string Password)>();
        foreach (var (userName, role, office) in Accounts)
        {
            if (await users.FindByNameAsync(userName) is not null)
            {
                continue;
            }

            var result = await mediator.Send(new AddStaffUser(userName, role, office, development ? DevelopmentPassword : null, Actor), ct);
            created.Add((result.UserName, result.Role, result.Password));
        }

        return created;
    }
}
