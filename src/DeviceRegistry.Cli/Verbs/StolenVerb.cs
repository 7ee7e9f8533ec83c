using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Staff;
using DeviceRegistry.Stolen;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class StolenVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("stolen",
            "Lost and stolen devices (docs/stolen.md): a report blocks its IMEIs in the EIR within seconds; recovery, with the case number, lifts the block.");

        var reportImeis = new Option<string[]>("--imei") { Description = "An IMEI of the device (14, 15 or 16 digits); repeat for each IMEI.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false, Required = true };
        var reportCase = new Option<string>("--case-number") { Description = "The case number the police or the operator gave (unique per report).", Required = true };
        var reportedBy = new Option<string>("--reported-by") { Description = "Who reported it: a police station, an operator, the owner.", Required = true };
        var report = new Command("report", "Report a device stolen or lost: a new case, Blocked at once. Refused whole (exit 1) when an IMEI is malformed or already in an open case, or the case number is taken.")
        {
            reportImeis, reportCase, reportedBy,
        };
        report.SetAction(async (parse, ct) =>
        {
            var view = await SendAsync(context, new ReportStolen(parse.GetValue(reportImeis)!, parse.GetValue(reportCase)!, parse.GetValue(reportedBy)!, Actor()), ct);
            await context.Out.WriteLineAsync($"case {view.CaseNumber} reported: {view.Imeis.Count} IMEI(s) blocked ({string.Join(", ", view.Imeis.Select(i => i.Imei))})");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(report);

        var recoverImeis = new Option<string[]>("--imei") { Description = "An IMEI of the case to recover; repeat for several.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false, Required = true };
        var recoverCase = new Option<string>("--case-number") { Description = "The case number the IMEI was reported under (checked: a mismatch is refused).", Required = true };
        var recover = new Command("recover", "Recover IMEIs of a case (found, or the report withdrawn): the block is lifted and the EIR answers what the rest of the IMEI's state says. The case is Recovered once all its IMEIs are.")
        {
            recoverImeis, recoverCase,
        };
        recover.SetAction(async (parse, ct) =>
        {
            var view = await SendAsync(context, new RecoverStolen(parse.GetValue(recoverImeis)!, parse.GetValue(recoverCase)!, Actor()), ct);
            var open = view.Imeis.Count(i => i.RecoveredAt is null);
            await context.Out.WriteLineAsync(view.Status == StolenCaseStatus.Recovered
                ? $"case {view.CaseNumber} recovered"
                : $"case {view.CaseNumber}: {view.Imeis.Count - open} of {view.Imeis.Count} IMEIs recovered, {open} still blocked");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(recover);

        var status = new Option<string?>("--status") { Description = "Only cases with this status: Blocked or Recovered." };
        var search = new Option<string?>("--search") { Description = "Only the cases of this IMEI, or the case with this number." };
        var list = new Command("list", "List the cases, newest first (tab-separated): case_number, status, reported_at, reported_by, imeis, recovered_at.")
        {
            status, search,
        };
        list.SetAction(async (parse, ct) =>
        {
            StolenCaseStatus? wanted = null;
            if (parse.GetValue(status) is { } text)
            {
                wanted = Enum.TryParse<StolenCaseStatus>(text, ignoreCase: true, out var s) && Enum.IsDefined(s)
                    ? s
                    : throw new CliUsageException($"stolen list: --status must be Blocked or Recovered, not '{text}'.");
            }

            var cases = await SendAsync(context, new ListStolenCases(wanted, parse.GetValue(search), Limit: 1000), ct);
            await context.Out.WriteLineAsync("case_number\tstatus\treported_at\treported_by\timeis\trecovered_at");
            foreach (var c in cases)
            {
                await context.Out.WriteLineAsync(
                    $"{c.CaseNumber}\t{c.Status}\t{Utc(c.ReportedAt)}\t{c.ReportedBy}\t{string.Join(',', c.Imeis.Select(i => i.Imei))}\t{Utc(c.RecoveredAt)}");
            }

            return ExitCodes.Ok;
        });
        command.Subcommands.Add(list);

        var caseNumber = new Argument<string>("CASE") { Description = "The case number." };
        var show = new Command("show", "Show a case: its IMEIs and its history (reported, blocked, recovered: who and when).") { caseNumber };
        show.SetAction(async (parse, ct) =>
        {
            var number = parse.GetValue(caseNumber)!;
            var history = await SendAsync(context, new GetStolenCase(number), ct);
            if (history is null)
            {
                await context.Error.WriteLineAsync($"devreg: no stolen case is numbered {number.Trim()}");
                return ExitCodes.Rejected;
            }

            var c = history.Case;
            await context.Out.WriteLineAsync($"case {c.CaseNumber}: {c.Status}");
            await context.Out.WriteLineAsync($"reported by {c.ReportedBy} at {Utc(c.ReportedAt)} (entered by {c.EnteredBy})");
            if (c.RecoveredAt is not null)
            {
                await context.Out.WriteLineAsync($"recovered at {Utc(c.RecoveredAt)} by {c.RecoveredBy}");
            }

            foreach (var i in c.Imeis)
            {
                await context.Out.WriteLineAsync(i.RecoveredAt is null
                    ? $"  {i.Imei}  blocked since {Utc(i.BlockedAt)}"
                    : $"  {i.Imei}  recovered at {Utc(i.RecoveredAt)} by {i.RecoveredBy}");
            }

            await context.Out.WriteLineAsync("history:");
            foreach (var e in history.Events)
            {
                var what = e.Kind switch
                {
                    StolenCaseEventKind.Reported => $"reported (by {e.Detail})",
                    StolenCaseEventKind.Blocked => $"blocked {e.Imei}",
                    _ => $"recovered {e.Imei}",
                };
                await context.Out.WriteLineAsync($"  {Utc(e.At)}  {what}  [{e.Actor}]");
            }

            return ExitCodes.Ok;
        });
        command.Subcommands.Add(show);
        return command;
    }

    private static StaffActor Actor() => StaffActor.Console(Environment.UserName);

    private static string Utc(DateTime? at) =>
        at is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : string.Empty;

    private static async Task<T> SendAsync<T>(CliContext context, IRequest<T> request, CancellationToken ct)
    {
        await using var services = context.BuildServices();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }
}
