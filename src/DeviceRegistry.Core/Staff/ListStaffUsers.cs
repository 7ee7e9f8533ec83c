using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Staff;

/// <summary>Every staff account, by user name, with its role, office, second factor and state (<c>devreg user list</c>).</summary>
public sealed record ListStaffUsers : IRequest<IReadOnlyList<StaffUserRow>>;

/// <param name="LastChange">The latest audited change of the account (added, disabled, second factor on, password), else its creation.</param>
public sealed record StaffUserRow(string UserName, string Role, string? Office, bool TwoFactor, DateTime? DisabledAt, DateTime LastChange);

internal sealed class ListStaffUsersHandler(RegistryDbContext db) : IRequestHandler<ListStaffUsers, IReadOnlyList<StaffUserRow>>
{
    private static readonly string[] Changes =
        [AuditActions.UserAdded, AuditActions.UserDisabled, AuditActions.TwoFactorEnabled, AuditActions.PasswordChanged];

    public async Task<IReadOnlyList<StaffUserRow>> Handle(ListStaffUsers request, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .Select(u => new
            {
                UserName = u.UserName!,
                u.Office,
                u.TwoFactorEnabled,
                u.DisabledAt,
                u.CreatedAt,
                Role = db.UserRoles.Where(r => r.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var subjects = users.Select(u => "user:" + u.UserName).ToList();
        var lastChanges = await db.Set<AuditEntry>().AsNoTracking()
            .Where(a => subjects.Contains(a.Subject) && Changes.Contains(a.Action))
            .GroupBy(a => a.Subject)
            .Select(g => new { Subject = g.Key, At = g.Max(a => a.At) })
            .ToDictionaryAsync(x => x.Subject, x => x.At, cancellationToken);
        return users
            .OrderBy(u => u.UserName, StringComparer.Ordinal)
            .Select(u =>
            {
                var last = lastChanges.TryGetValue("user:" + u.UserName, out var at) && at > u.CreatedAt ? at : u.CreatedAt;
                if (u.DisabledAt is { } disabled && disabled > last)
                {
                    last = disabled;
                }

                return new StaffUserRow(u.UserName, u.Role ?? "(none)", u.Office, u.TwoFactorEnabled, u.DisabledAt, last);
            })
            .ToList();
    }
}
