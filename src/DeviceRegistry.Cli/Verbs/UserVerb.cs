using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class UserVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("user", "Manage back-office staff accounts (clerks, reviewers, supervisors, administrators).");
        command.Subcommands.Add(BuildAdd(context));
        command.Subcommands.Add(BuildDisable(context));
        command.Subcommands.Add(BuildList(context));
        return command;
    }

    private static Command BuildAdd(CliContext context)
    {
        var name = new Argument<string>("USERNAME") { Description = "The sign-in name: letters a-z, digits, '.', '_', '-'" };
        var role = new Option<string>("--role") { Description = "clerk, reviewer, supervisor or admin", Required = true };
        role.AcceptOnlyFromAmong([.. StaffRoles.All]);
        var office = new Option<string?>("--office") { Description = "The clerk's post office (required for a clerk; the other roles are national and take none)" };
        var password = new Option<string?>("--password")
        {
            Description = $"The first password (at least {StaffSettings.MinimumPasswordLength} characters with upper- and lower-case letters and a digit); "
                + "without it a strong one is generated and printed once",
        };
        var add = new Command("add", "Create a staff account with one role; the account and its audit entry are written together.")
        {
            name, role, office, password,
        };
        add.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new AddStaffUser(
                parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(office), parse.GetValue(password),
                StaffActor.Console(Environment.UserName)), ct);
            await context.Out.WriteLineAsync(result.Office is null
                ? $"user {result.UserName} created: {result.Role}"
                : $"user {result.UserName} created: {result.Role} at {result.Office}");
            if (result.PasswordGenerated)
            {
                await context.Out.WriteLineAsync($"password: {result.Password}");
                await context.Out.WriteLineAsync("Give it to the user now: it is not shown again and cannot be recovered.");
            }

            if (StaffRoles.NeedTwoFactor.Contains(result.Role))
            {
                await context.Out.WriteLineAsync("At the first sign-in the user sets up an authenticator app (Staff:RequireTwoFactor).");
            }

            return ExitCodes.Ok;
        });
        return add;
    }

    private static Command BuildDisable(CliContext context)
    {
        var name = new Argument<string>("USERNAME") { Description = "The account to disable" };
        var disable = new Command("disable",
            "Disable an account for good: it can no longer sign in, and its open sessions end within a minute. The account stays for the audit trail.")
        {
            name,
        };
        disable.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new DisableStaffUser(parse.GetValue(name)!, StaffActor.Console(Environment.UserName)), ct);
            await context.Out.WriteLineAsync(result.WasAlreadyDisabled
                ? $"user {result.UserName} was already disabled (since {Format(result.DisabledAt)}); nothing changed"
                : $"user {result.UserName} disabled; open sessions end within a minute");
            return ExitCodes.Ok;
        });
        return disable;
    }

    private static Command BuildList(CliContext context)
    {
        var list = new Command("list", "List the staff accounts: name, role, office, second factor, disabled, last change (UTC).");
        list.SetAction(async (_, ct) =>
        {
            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ListStaffUsers(), ct);
            var table = new List<string[]> { new[] { "user", "role", "office", "2fa", "disabled", "last_change" } };
            table.AddRange(rows.Select(r => new[]
            {
                r.UserName, r.Role, r.Office ?? "-", r.TwoFactor ? "on" : "off",
                r.DisabledAt is { } d ? Format(d) : "no", Format(r.LastChange),
            }));
            var widths = Enumerable.Range(0, table[0].Length).Select(i => table.Max(row => row[i].Length)).ToArray();
            foreach (var row in table)
            {
                await context.Out.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            }

            if (rows.Count == 0)
            {
                await context.Out.WriteLineAsync("(no staff accounts; add one with 'devreg user add')");
            }

            return ExitCodes.Ok;
        });
        return list;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "Z";
}
