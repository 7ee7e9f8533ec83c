using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using CliRunner = DeviceRegistry.Tests.Infrastructure.Cli;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Registrations;

public sealed class RegistrationAndPaymentTests
{
    private const string ImeiA = "357613004448485";
    private const string ImeiB = "352936001349777";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_dual_sim_phone_pays_one_listed_duty_and_payment_makes_both_imeis_effective(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        await using (var context = f.Db.CreateContext())
        {
            context.Tacs.Add(new TacModel { Tac = 35761300, Brand = "Samsung", Model = "Galaxy A52" });
            context.Add(new ModelPrice { Brand = "SAMSUNG", Model = "galaxy a52", PriceUsd = 350m });
            await context.SaveChangesAsync();
        }

        var result = await f.SendAsync(RegistrationFixture.Individual(ImeiA, ImeiB) with { DeclaredPriceUsd = 90m });

        Assert.Equal(RegistrationStatus.AwaitingPayment, result.Status);
        Assert.Equal(PriceSource.PriceList, result.PriceSource);
        Assert.Equal(40m, result.DutyAzn); // USD 350 on 2024-05-01: the 201-400 row of the 2023 table
        await using (var context = f.Db.CreateContext())
        {
            Assert.Equal(1, await context.Set<DutyInvoice>().CountAsync());
            Assert.Empty(await context.ImeiChanges.ToListAsync());
        }

        var paid = await f.SendAsync(new ConfirmPayment(result.PaymentReference!, 40m, "BANK-1"));
        Assert.Equal(PaymentOutcome.Applied, paid.Outcome);
        await using (var context = f.Db.CreateContext())
        {
            var registration = await context.Set<Registration>().SingleAsync();
            Assert.Equal(RegistrationStatus.Effective, registration.Status);
            var changed = await context.ImeiChanges.Select(c => c.Imei).OrderBy(i => i).ToListAsync();
            Assert.Equal(new[] { 35293600134977L, 35761300444848L }, changed);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Payments_are_idempotent_wrong_amounts_refused_and_unknown_references_kept(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        var result = await f.SendAsync(RegistrationFixture.Individual(ImeiA));
        Assert.Equal(15m, result.DutyAzn); // unlisted model on 2024-05-01

        var wrong = await f.SendAsync(new ConfirmPayment(result.PaymentReference!, 14.99m));
        Assert.Equal(PaymentOutcome.WrongAmount, wrong.Outcome);
        Assert.Contains("15.00", wrong.Describe(), StringComparison.Ordinal);

        Assert.Equal(PaymentOutcome.Applied, (await f.SendAsync(new ConfirmPayment(result.PaymentReference!, 15m))).Outcome);
        Assert.Equal(PaymentOutcome.AlreadyPaid, (await f.SendAsync(new ConfirmPayment(result.PaymentReference!, 15.00m))).Outcome);

        var unknown1 = await f.SendAsync(new ConfirmPayment("999999999999", 20m));
        var unknown2 = await f.SendAsync(new ConfirmPayment("9999-9999-9999", 20m));
        Assert.Equal(PaymentOutcome.UnknownReference, unknown2.Outcome);
        Assert.Equal(unknown1.UnmatchedPaymentId, unknown2.UnmatchedPaymentId);
        Assert.Equal(2, unknown2.TimesReceived);

        await using var context = f.Db.CreateContext();
        Assert.Single(await context.ImeiChanges.ToListAsync()); // the repeat changed nothing
        var unmatched = await context.Set<UnmatchedPayment>().OrderBy(p => p.Id).ToListAsync();
        Assert.Equal(2, unmatched.Count);
        Assert.Equal(UnmatchedReason.WrongAmount, unmatched[0].Reason);
        Assert.Equal(14.99m, unmatched[0].AmountAzn);
        Assert.Equal(UnmatchedReason.UnknownReference, unmatched[1].Reason);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Importer_stock_is_exempt_and_effective_at_once_but_needs_its_customs_declaration(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        var importer = RegistrationFixture.Individual(ImeiA) with
        {
            Channel = RegistrationChannel.ImporterBulk, DocumentType = OwnerDocumentType.TaxId, DocumentNumber = "1400057421", OwnerName = "Baku Phones LLC",
        };
        var refused = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(importer));
        Assert.Contains(refused.Errors, e => e.PropertyName == nameof(RegisterDevice.CustomsDeclaration));

        var result = await f.SendAsync(importer with { CustomsDeclaration = "GB-2024-0042" });
        Assert.Equal(RegistrationStatus.Effective, result.Status);
        Assert.Equal(DutyBasis.ImporterExempt, result.DutyBasis);
        Assert.Equal(0m, result.DutyAzn);
        Assert.Null(result.PaymentReference);
        await using var context = f.Db.CreateContext();
        Assert.Empty(await context.Set<DutyInvoice>().ToListAsync());
        Assert.Single(await context.ImeiChanges.Where(c => c.Imei == 35761300444848L).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Re_registering_after_a_sale_transfers_the_whole_device_and_keeps_the_history(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        var first = await f.SendAsync(RegistrationFixture.Individual(ImeiA, ImeiB));
        Assert.Equal(PaymentOutcome.Applied, (await f.SendAsync(new ConfirmPayment(first.PaymentReference!, first.DutyAzn))).Outcome);

        var sameOwner = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(RegistrationFixture.Individual(ImeiA)));
        Assert.Contains("already registered to this owner", sameOwner.Errors.Single().ErrorMessage, StringComparison.Ordinal);

        var buyer = RegistrationFixture.Individual(ImeiA) with { DocumentNumber = "AZE7654321", OwnerName = "Rashad Aliyev", RegisteredOn = new DateOnly(2024, 9, 1) };
        var second = await f.SendAsync(buyer);

        Assert.Equal(RegistrationStatus.Effective, second.Status);
        Assert.Equal(DutyBasis.Transfer, second.DutyBasis);
        Assert.Equal(first.RegistrationId, second.TransferredFromId);
        Assert.Equal(2, second.Imeis.Count);
        await using var context = f.Db.CreateContext();
        var old = await context.Set<Registration>().SingleAsync(r => r.Id == first.RegistrationId);
        Assert.Equal(RegistrationStatus.Transferred, old.Status);
        Assert.All(await context.Set<RegisteredImei>().ToListAsync(), r => Assert.Equal(second.RegistrationId, r.RegistrationId));
        Assert.Equal(4, await context.Set<RegistrationImei>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Devreg_register_names_the_field_and_reason_of_bad_input(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var bad = await CliRunner.RunAsync(db, "register", "--imei", "357613004448480", "--document-type", "IdCard",
            "--document-number", "AZE1234567", "--name", "Aysel", "--contact", "not a number");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Imeis", bad.Error, StringComparison.Ordinal);
        Assert.Contains("check digit", bad.Error, StringComparison.Ordinal);
        Assert.Contains("OwnerContact", bad.Error, StringComparison.Ordinal);

        var ok = await CliRunner.RunAsync(db, "register", "--imei", ImeiA, "--document-type", "IdCard",
            "--document-number", "AZE1234567", "--name", "Aysel", "--contact", "0501234567", "--date", "2023-01-10");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("duty: 20.00 AZN", ok.Out, StringComparison.Ordinal); // unlisted model, 2018 table
        var reference = ok.Out.Split('\n').Single(l => l.StartsWith("payment reference:", StringComparison.Ordinal))["payment reference:".Length..].Trim();
        Assert.True(Luhn.IsValid(reference));

        var pay = await CliRunner.RunAsync(db, "pay", "--reference", reference, "--amount-azn", "20");
        Assert.Equal(0, pay.ExitCode);
        var unknown = await CliRunner.RunAsync(db, "pay", "--reference", "123", "--amount-azn", "20");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("kept as unmatched", unknown.Error, StringComparison.Ordinal);
    }
}
