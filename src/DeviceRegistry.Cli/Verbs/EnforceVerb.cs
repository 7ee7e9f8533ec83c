using System.CommandLine;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class EnforceVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var asOf = new Option<string?>("--as-of") { Description = "The date to enforce as of, YYYY-MM-DD (default today in Baku)." };
        var command = new Command("enforce",
            "Apply the registration window as the daily job does: lift blocks of registered IMEIs, block IMEIs whose window ended unregistered, " +
            "queue and send the warning SMS due. Safe to re-run: nothing is skipped or repeated.")
        {
            asOf,
        };
        command.SetAction(async (parse, ct) =>
        {
            var date = CliValues.ParseDate("--as-of", parse.GetValue(asOf));
            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var r = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new EnforceRegistrationWindow(date), ct);
            await context.Out.WriteLineAsync($"enforced as of {r.AsOf:yyyy-MM-dd}");
            await context.Out.WriteLineAsync($"blocked (no registration): {r.Blocked}");
            await context.Out.WriteLineAsync($"blocks lifted (registered): {r.BlocksLifted}");
            await context.Out.WriteLineAsync($"warnings queued: {r.WarningsQueued} (IMEIs without a known number: {r.WarningsWithoutRecipient})");
            if (r.SmsGatewayConfigured)
            {
                await context.Out.WriteLineAsync($"SMS sent: {r.SmsSent}, failed (retried next run): {r.SmsFailed}, pending: {r.SmsPending}");
            }
            else
            {
                await context.Out.WriteLineAsync($"SMS sent: 0: no SMS gateway is configured (set Sms:Gateway, docs/sms.md); {r.SmsPending} warnings stay pending in the outbox");
            }

            var appeals = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DeviceRegistry.Appeals.DeliverAppealMessages(), ct);
            await context.Out.WriteLineAsync(appeals.SenderConfigured
                ? $"appeal SMS sent: {appeals.Sent}, failed (retried next run): {appeals.Failed}, pending: {appeals.Pending}"
                : $"appeal SMS sent: 0: no SMS gateway is configured; {appeals.Pending} stay pending");
            return ExitCodes.Ok;
        });
        return command;
    }
}
