using DeviceRegistry.Appeals;
using DeviceRegistry.Audit;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using static DeviceRegistry.Tests.Evidence.EvidenceTestKit;

namespace DeviceRegistry.Tests.Evidence;

public sealed class GetImeiEvidenceTests
{
    internal const long Key = 35_332_510_123_456;
    internal const string Genuine = "400011111111111";
    internal const string Copy = "400022222222222";
    internal const string Applicant = "400043333333333";
    internal const string Forgotten = "400059999999999";

    private static string Imei15 => new Imei(Key).WithCheckDigit;

    private static DateOnly D(int month, int day) => new(2026, month, day);

    /// <summary>
    /// The genuine SIM every day 1-10 Oct and 1-3 Nov; a copy on 5 and 6 Oct and 2 Nov (a new number in November);
    /// the applicant's SIM on 20 and 21 Nov; a SIM of May, before the months kept (June to December).
    /// </summary>
    internal static async Task SeedAsync(TestDatabase db)
    {
        await SeeAsync(db, Key, Genuine, "994501111111", "Azercell", [.. Range(D(10, 1), D(10, 10)), .. Range(D(11, 1), D(11, 3))]);
        await SeeAsync(db, Key, Copy, "994502222222", "Bakcell", D(10, 5), D(10, 6));
        await SeeAsync(db, Key, Copy, "994503333333", "Bakcell", D(11, 2));
        await SeeAsync(db, Key, Applicant, "994554444444", "Nar", D(11, 20), D(11, 21));
        await SeeAsync(db, Key, Forgotten, "994559999999", "Nar", D(5, 3), D(5, 4));
        // Another IMEI's SIM on the same days: not part of this IMEI's evidence.
        await SeeAsync(db, Key + 1, "400017777777777", "994507777777", "Azercell", D(10, 5), D(11, 20));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clone_shows_its_sims_genuine_first_the_days_together_and_what_the_eir_answers_each(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        // The verdict names the copy's SIM as genuine (its older months are gone): the verdict decides, not the earliest.
        await CloneAsync(db, Key, D(11, 5), genuineImsi: Copy, Genuine, Copy);
        await RegisterAsync(db, Key, "Rəşad Əliyev", "100000000017", D(9, 15));

        var evidence = await SendAsync(db, new GetImeiEvidence(Imei15, Reviewer));

        Assert.Equal([Copy, Genuine, Applicant], evidence.Sims.Select(s => s.Imsi));
        Assert.Equal([true, false, false], evidence.Sims.Select(s => s.Genuine));
        Assert.Equal([D(10, 5), D(10, 6), D(11, 2)], evidence.TogetherDays);
        Assert.Equal(D(6, 1), evidence.From);
        Assert.Equal(D(12, 1), evidence.To);

        var copy = evidence.Sims[0];
        Assert.Equal("994503333333", copy.Msisdn);
        Assert.Equal(["994503333333", "994502222222"], copy.Msisdns);
        Assert.Equal("Bakcell", copy.Operator);
        Assert.Equal(D(10, 5), copy.FirstSeen);
        Assert.Equal(D(11, 2), copy.LastSeen);
        Assert.Equal([D(10, 5), D(10, 6), D(11, 2)], copy.Days);
        var genuine = evidence.Sims[1];
        Assert.Equal(13, genuine.Days.Count);
        Assert.Equal(D(10, 1), genuine.Days[0]);
        Assert.Equal(D(11, 3), genuine.Days[^1]);
        Assert.Equal("Azercell", genuine.Operator);

        Assert.Equal([true, true, false], evidence.Sims.Select(s => s.Allowed));
        Assert.Equal(
            [EquipmentStatus.Whitelisted, EquipmentStatus.Whitelisted, EquipmentStatus.Blacklisted],
            evidence.Sims.Select(s => s.Answer));
        Assert.Equal([EirReason.CloneAllowedSim, EirReason.CloneAllowedSim, EirReason.CloneOtherSim], evidence.Sims.Select(s => s.AnswerReason));
        Assert.Equal("BLACKLISTED", evidence.Sims[2].AnswerWord);
        Assert.Equal("clone IMEI: this SIM is not one of its allowed pairs", evidence.Sims[2].AnswerText);

        Assert.NotNull(evidence.Verdict);
        Assert.Equal("concurrent-sims", evidence.Verdict.Rule);
        Assert.Equal(D(11, 5), evidence.Verdict.Since);
        Assert.Equal(3, evidence.Verdict.OverlapDays);
        var change = Assert.Single(evidence.History);
        Assert.Equal(CloneStatusValues.Clone, change.Status);

        var registration = Assert.Single(evidence.Registrations);
        Assert.Equal("Rəşad Əliyev", registration.OwnerName);
        Assert.Equal(RegistrationStatus.Effective, registration.Status);
        Assert.NotNull(registration.Invoice);
        Assert.Equal("100000000017", registration.Invoice.Reference);
        Assert.Equal(InvoiceStatus.Paid, registration.Invoice.Status);
        Assert.Equal(40m, registration.Invoice.AmountAzn);
        Assert.Equal("Samsung", evidence.Brand);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_applicants_numbers_are_highlighted_from_the_appeal_and_as_typed(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        await CloneAsync(db, Key, D(11, 5), genuineImsi: null, Genuine, Copy);
        await AppealAsync(db, Key, "AP-OLD1-0001", "Baku 1", AppealStatus.Rejected, new DateTime(2026, 8, 3, 9, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 8, 10, 15, 0, 0, DateTimeKind.Utc), AppealOutcome.Rejected, null, "994509999999");
        await AppealAsync(db, Key, "AP-NEW2-0002", "Sumqayıt", AppealStatus.InReview, new DateTime(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc),
            numbers: "994554444444");

        // The older number of the copy, typed as a person writes it: it matches the SIM though its latest number differs.
        var evidence = await SendAsync(db, new GetImeiEvidence(Imei15, Reviewer) { AppealTracking = "ap-new2-0002", HighlightMsisdns = ["+994 50 222 22 22"] });

        // No genuine IMSI in the verdict: the earliest SIM is presumed genuine.
        Assert.Equal([Genuine, Copy, Applicant], evidence.Sims.Select(s => s.Imsi));
        Assert.Equal([false, true, true], evidence.Sims.Select(s => s.Highlighted));
        Assert.Equal(["994502222222", "994554444444"], evidence.HighlightedNumbers);

        Assert.Equal(["AP-NEW2-0002", "AP-OLD1-0001"], evidence.Appeals.Select(a => a.TrackingNumber));
        var old = evidence.Appeals[1];
        Assert.Equal(AppealOutcome.Rejected, old.Outcome);
        Assert.Equal(new DateTime(2026, 8, 10, 15, 0, 0, DateTimeKind.Utc), old.ClosedAt);
        Assert.Equal(["994509999999"], old.Numbers);
        Assert.Null(evidence.Appeals[0].Outcome);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_a_verdict_every_sim_gets_the_registered_answer_and_no_sim_is_allowed(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        await RegisterAsync(db, Key, "Rəşad Əliyev", "100000000017", D(9, 15));

        var evidence = await SendAsync(db, new GetImeiEvidence(Imei15, Reviewer));

        Assert.Null(evidence.Verdict);
        Assert.False(evidence.IsClone);
        Assert.All(evidence.Sims, s => Assert.Equal((EquipmentStatus.Whitelisted, EirReason.Registered, false), (s.Answer, s.AnswerReason, s.Allowed)));
        Assert.Equal(Genuine, evidence.Sims.Single(s => s.Genuine).Imsi);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Opening_the_evidence_records_who_looked_at_which_imei(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);

        await SendAsync(db, new GetImeiEvidence(Imei15, Reviewer) { AppealTracking = "AP-NEW2-0002" });

        await using var context = db.CreateContext();
        var entry = Assert.Single(await context.Set<AuditEntry>().ToListAsync());
        Assert.Equal(AuditActions.EvidenceViewed, entry.Action);
        Assert.Equal("imei:" + Imei15, entry.Subject);
        Assert.Equal(15, entry.Subject.Length - "imei:".Length);
        Assert.Equal(Key, entry.Imei);
        Assert.Equal("user-reviewer-1", entry.ActorId);
        Assert.Equal("reviewer1", entry.ActorName);
        Assert.Equal(Now.UtcDateTime, entry.At);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_imei_with_a_wrong_check_digit_is_refused_and_nothing_is_audited(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var wrong = Imei15[..14] + (char)('0' + ((Imei15[14] - '0' + 1) % 10));

        await Assert.ThrowsAsync<ValidationException>(() => SendAsync(db, new GetImeiEvidence(wrong, Reviewer)));
        await Assert.ThrowsAsync<ValidationException>(() => SendAsync(db, new GetImeiEvidence(Imei15[..14], Reviewer)));

        await using var context = db.CreateContext();
        Assert.Empty(await context.Set<AuditEntry>().ToListAsync());
    }
}
