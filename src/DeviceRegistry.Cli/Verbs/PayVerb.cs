using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class PayVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var reference = new Option<string?>("--reference") { Description = "The payment reference printed by 'devreg register'." };
        var amount = new Option<string?>("--amount-azn") { Description = "The amount paid in AZN (must equal the invoice, e.g. 40 or 40.00)." };
        var transaction = new Option<string?>("--transaction-id") { Description = "The bank's or post office's transaction id (kept with the payment)." };
        var unmatched = new Option<bool>("--unmatched") { Description = "List the payment confirmations kept as unmatched (unknown reference or wrong amount) instead." };
        var command = new Command("pay",
            "Confirm a duty payment: makes the registration effective and lifts a no-registration block. A repeat is harmless; " +
            "a wrong amount is refused; an unknown reference is refused and kept (exit 1 for both).")
        {
            reference, amount, transaction, unmatched,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            if (parse.GetValue(unmatched))
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                var rows = await db.Set<UnmatchedPayment>().AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
                await context.Out.WriteLineAsync("id\treference\tamount_azn\treason\ttimes_received\tlast_received_at");
                foreach (var p in rows)
                {
                    await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Id}\t{p.Reference}\t{p.AmountAzn:0.00}\t{p.Reason}\t{p.TimesReceived}\t{p.LastReceivedAt:yyyy-MM-ddTHH:mm:ssZ}"));
                }

                return ExitCodes.Ok;
            }

            var referenceText = parse.GetValue(reference) ?? throw new CliUsageException("pay: --reference is required (or --unmatched).");
            var amountText = parse.GetValue(amount) ?? throw new CliUsageException("pay: --amount-azn is required.");
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new ConfirmPayment(referenceText, CliValues.ParseMoney("--amount-azn", amountText), parse.GetValue(transaction)), ct);
            await (result.Accepted ? context.Out : context.Error).WriteLineAsync(result.Accepted ? result.Describe() : $"devreg: {result.Describe()}");
            return result.Accepted ? ExitCodes.Ok : ExitCodes.Rejected;
        });
        return command;
    }
}
