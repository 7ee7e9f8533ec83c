using DeviceRegistry.Appeals;
using DeviceRegistry.Audit;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Appeals;

/// <summary>The appeal use cases over a real database on both providers.</summary>
public sealed class AppealSliceTests
{
    private static readonly long Key = WebTestData.Key(AppealFixture.CloneImei);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filing_reports_each_invalid_field_with_its_reason(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        var bad = f.Filing("353325101234560") with // the check digit of 35332510123456 is 8, not 0
        {
            ContactNumber = "call me",
            Numbers = ["0501112233", "0501112233"],
            Reason = AppealReason.Other,
            ReasonText = " ",
            Language = "de",
        };

        var ex = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(bad));

        var byField = ex.Errors.ToLookup(e => e.PropertyName, e => e.ErrorMessage);
        Assert.Equal(["the last digit is not the Luhn check digit of the first 14"], byField["Imei"]);
        Assert.Equal(["the contact number must be a phone number (5 to 15 digits, e.g. +994 50 123 45 67)"], byField["ContactNumber"]);
        Assert.Equal(["the same phone number is listed twice"], byField["Numbers"]);
        Assert.Equal(["describe the reason when it is Other"], byField["ReasonText"]);
        Assert.Equal(["the SMS language is az, en or ru"], byField["Language"]);

        var five = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(f.Filing() with
        {
            Numbers = ["0501000001", "0501000002", "0501000003", "0501000004", "0501000005"],
        }));
        Assert.Equal("give 1 to 4 phone numbers the applicant uses in this phone", Assert.Single(five.Errors).ErrorMessage);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_imei_without_a_clone_verdict_cannot_be_appealed(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.Db.AddCloneStatusAsync("35891110654321", CloneStatusValues.Cleared, AppealFixture.GenuineImsi);

        foreach (var imei in new[] { AppealFixture.Imei15, WebTestData.WithCheckDigit("35891110654321") })
        {
            var ex = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(f.Filing(imei)));
            Assert.Equal($"IMEI {imei}: this IMEI has no clone verdict to appeal", Assert.Single(ex.Errors).ErrorMessage);
        }

        await using var db = f.Context();
        Assert.Equal(0, await db.Set<Appeal>().CountAsync());
        Assert.Equal(0, await db.Set<AuditEntry>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_second_open_appeal_is_refused_with_the_first_ones_number_and_the_index_backs_it(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var first = await f.SendAsync(f.Filing());
        Assert.Matches("^AP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", first.TrackingNumber);

        var ex = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(f.Filing(actor: f.Clerk2)));
        Assert.Equal($"IMEI {AppealFixture.Imei15} already has an open appeal, {first.TrackingNumber}; follow that one", Assert.Single(ex.Errors).ErrorMessage);

        // The partial unique index refuses it in the database too (two clerks at the same moment).
        await using var db = f.Context();
        var copy = await db.Set<Appeal>().AsNoTracking().SingleAsync();
        db.Add(new Appeal
        {
            TrackingNumber = "AP-0000-0000", Imei = copy.Imei, Status = AppealStatus.New, ApplicantDocumentNumber = "X1234", ApplicantName = "X",
            ApplicantContact = "994500000000", Language = "az", Office = "Ganja 2", FiledById = copy.FiledById, FiledAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        });
        var dbError = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(FileAppealHandlerProbe.IsOpenImeiConflict(dbError), dbError.InnerException?.Message);

        // Once decided, a new appeal may be filed.
        var version = await f.SendAsync(new AssignAppeal { Actor = f.Reviewer, TrackingNumber = first.TrackingNumber, Version = 0 });
        await f.SendAsync(new DecideAppeal { Actor = f.Reviewer, TrackingNumber = first.TrackingNumber, Version = version, Decision = AppealDecision.Reject, Reason = "no proof" });
        var second = await f.SendAsync(f.Filing());
        Assert.NotEqual(first.TrackingNumber, second.TrackingNumber);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_due_date_is_ten_working_days_after_the_filing_date_in_baku(DatabaseProvider provider)
    {
        // Friday 2026-12-04 02:30 in Baku is still Thursday in UTC: the registry's date counts.
        await using var f = await AppealFixture.CreateAsync(provider, new DateTimeOffset(2026, 12, 3, 22, 30, 0, TimeSpan.Zero));
        await f.SeedCloneAsync();

        var filed = await f.SendAsync(f.Filing());

        Assert.Equal(new DateOnly(2026, 12, 18), filed.DueOn);
        Assert.Equal("Baku 1", filed.Office);
        await using var db = f.Context();
        Assert.Equal(new DateOnly(2026, 12, 18), (await db.Set<Appeal>().SingleAsync()).DueOn);

        // Overdue from the day after: Saturday 2026-12-19 in Baku.
        f.Clock.Now = new DateTimeOffset(2026, 12, 18, 19, 0, 0, TimeSpan.Zero); // 23:00 on the 18th in Baku
        Assert.False((await f.SendAsync(new GetAppeal(f.Reviewer, filed.TrackingNumber))).Overdue);
        f.Clock.Now = new DateTimeOffset(2026, 12, 18, 20, 30, 0, TimeSpan.Zero); // 00:30 on the 19th in Baku
        Assert.True((await f.SendAsync(new GetAppeal(f.Reviewer, filed.TrackingNumber))).Overdue);
        var overdue = await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, OverdueOnly = true });
        Assert.Equal(filed.TrackingNumber, Assert.Single(overdue.Rows).TrackingNumber);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pairing_allows_exactly_the_applicants_sims_and_tells_the_eir_and_the_applicant(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var (tracking, version) = await f.FileAndTakeAsync();
        var detail = await f.SendAsync(new GetAppeal(f.Reviewer, tracking));
        var matched = Assert.Single(detail.MatchedImsis);
        Assert.Equal((AppealFixture.ApplicantImsi, AppealFixture.ApplicantNumber, false), (matched.Imsi, matched.Msisdn, matched.AlreadyAllowed));
        Assert.True(detail.Actions.Pair);

        // An IMSI not matched to the applicant's numbers cannot be ticked.
        var foreign = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new DecideAppeal
        {
            Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Pair, Imsis = [AppealFixture.OtherImsi],
        }));
        Assert.Equal(AppealProblem.Refused, foreign.Problem);

        var result = await f.SendAsync(new DecideAppeal
        {
            Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Pair, Imsis = [AppealFixture.ApplicantImsi],
        });

        Assert.Equal((AppealStatus.Approved, AppealOutcome.Paired), (result.Status, result.Outcome));
        Assert.Equal([AppealFixture.ApplicantImsi], result.PairedImsis);
        await using var db = f.Context();
        var pairs = await db.Set<CloneAllowedPair>().Where(p => p.Imei == Key).Select(p => p.Imsi).OrderBy(i => i).ToListAsync();
        Assert.Equal([AppealFixture.GenuineImsi, AppealFixture.ApplicantImsi], pairs);
        Assert.Equal(1, await db.ImeiChanges.CountAsync(c => c.Imei == Key && c.Source == "appeal"));
        Assert.Equal(CloneStatusValues.Clone, (await db.Set<CloneStatus>().SingleAsync()).Status);

        var message = await db.Set<AppealMessage>().SingleAsync();
        Assert.Equal((AppealFixture.ApplicantNumber, SmsStatus.Pending, "Paired"), (message.Msisdn, message.Status, message.Kind));
        Assert.Equal($"Appeal {tracking}: approved. Your SIM card(s) may again use this phone on the network.", message.Body);

        var delivery = await f.SendAsync(new DeliverAppealMessages());
        Assert.Equal((1, 0, 0, true), (delivery.Sent, delivery.Failed, delivery.Pending, delivery.SenderConfigured));
        var sent = Assert.Single(f.Sms.Delivered);
        Assert.Equal((AppealFixture.ApplicantNumber, message.Body), (sent.Msisdn, sent.Body));
        await using var after = f.Context();
        Assert.Equal(SmsStatus.Sent, (await after.Set<AppealMessage>().SingleAsync()).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_lift_needs_a_second_person_and_then_clears_the_verdict(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var (tracking, version) = await f.FileAndTakeAsync(f.Supervisor);
        version = (await f.SendAsync(new DecideAppeal
        {
            Actor = f.Supervisor, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ProposeLift, Reason = "genuine first user",
        })).Version;
        await using (var db = f.Context())
        {
            Assert.Equal(CloneStatusValues.Clone, (await db.Set<CloneStatus>().SingleAsync()).Status);
            Assert.Equal(0, await db.ImeiChanges.CountAsync(c => c.Source == "appeal"));
        }

        // The proposer cannot confirm; a reviewer cannot either.
        var same = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new DecideAppeal
        {
            Actor = f.Supervisor, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ConfirmLift,
        }));
        Assert.Equal(AppealProblem.Forbidden, same.Problem);
        Assert.Equal("the lift must be confirmed by a second person: you proposed it, another supervisor confirms it", same.Message);
        var reviewer = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new DecideAppeal
        {
            Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ConfirmLift,
        }));
        Assert.Equal(AppealProblem.Forbidden, reviewer.Problem);

        var confirmed = await f.SendAsync(new DecideAppeal
        {
            Actor = f.Supervisor2, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ConfirmLift,
        });

        Assert.Equal((AppealStatus.Approved, AppealOutcome.Lifted), (confirmed.Status, confirmed.Outcome));
        await using var after = f.Context();
        var verdict = await after.Set<CloneStatus>().SingleAsync();
        Assert.Equal((CloneStatusValues.Cleared, new DateOnly(2026, 12, 1)), (verdict.Status, verdict.Since));
        var change = await after.Set<CloneStatusChange>().SingleAsync(c => c.Imei == Key);
        Assert.Equal(CloneStatusValues.Cleared, change.Status);
        Assert.Equal($"appeal {tracking}: lift proposed by supervisor, confirmed by supervisor2", change.Reason);
        Assert.Equal(1, await after.ImeiChanges.CountAsync(c => c.Imei == Key && c.Source == "appeal"));
        var appeal = await after.Set<Appeal>().SingleAsync();
        Assert.Equal((f.Supervisor.UserId, f.Supervisor2.UserId), (appeal.DecidedById, appeal.ConfirmedById));
        Assert.Equal("Lifted", (await after.Set<AppealMessage>().SingleAsync()).Kind);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_returned_lift_goes_back_in_review_and_a_rejection_needs_a_reason(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var (tracking, version) = await f.FileAndTakeAsync();
        version = (await f.SendAsync(new DecideAppeal { Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ProposeLift })).Version;
        var noReason = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(new DecideAppeal
        {
            Actor = f.Supervisor, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ReturnLift,
        }));
        Assert.Equal("say why the lift is returned", Assert.Single(noReason.Errors).ErrorMessage);
        version = (await f.SendAsync(new DecideAppeal
        {
            Actor = f.Supervisor, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ReturnLift, Reason = "pairing is enough",
        })).Version;
        Assert.Equal(AppealStatus.InReview, (await f.SendAsync(new GetAppeal(f.Reviewer, tracking))).Status);

        foreach (var reason in new string?[] { null, "", "   " })
        {
            var ex = await Assert.ThrowsAsync<ValidationException>(() => f.SendAsync(new DecideAppeal
            {
                Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Reject, Reason = reason,
            }));
            Assert.Equal("a rejection needs a reason", Assert.Single(ex.Errors).ErrorMessage);
        }

        // Another reviewer, not assigned, may not decide.
        var other = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new DecideAppeal
        {
            Actor = f.Reviewer2, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Reject, Reason = "x",
        }));
        Assert.Equal(AppealProblem.Forbidden, other.Problem);

        var rejected = await f.SendAsync(new DecideAppeal
        {
            Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Reject, Reason = "The phone was used by two people at once.",
        });
        Assert.Equal((AppealStatus.Rejected, AppealOutcome.Rejected), (rejected.Status, rejected.Outcome));
        await using var db = f.Context();
        Assert.Equal($"Appeal {tracking}: rejected. The phone was used by two people at once.", (await db.Set<AppealMessage>().SingleAsync()).Body);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_stale_version_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var (tracking, version) = await f.FileAndTakeAsync();
        Assert.Equal(1, version);
        var info = await f.SendAsync(new RequestInformation { Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Message = "Bring the box of the phone." });
        Assert.Equal(2, info);

        var ex = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new DecideAppeal
        {
            Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Reject, Reason = "late",
        }));

        Assert.Equal(AppealProblem.StaleVersion, ex.Problem);
        Assert.Equal($"appeal {tracking} was changed by someone else since you opened it; reload the page and decide again", ex.Message);
        await using var db = f.Context();
        var appeal = await db.Set<Appeal>().SingleAsync();
        Assert.Equal((AppealStatus.InformationRequested, 2), (appeal.Status, appeal.Version));

        // The clerk of another office neither sees it nor answers it; the filing office does.
        var hidden = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new GetAppeal(f.Clerk2, tracking)));
        Assert.Equal(AppealProblem.NotFound, hidden.Problem);
        Assert.Empty((await f.SendAsync(new GetAppealQueue { Actor = f.Clerk2 })).Rows);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        Assert.Equal(3, await f.SendAsync(new ProvideInformation
        {
            Actor = f.Clerk, TrackingNumber = tracking, Version = 2, Answer = "The box shows the IMEI.", FileName = "box.png", ContentType = "image/png", Content = png,
        }));
        var detail = await f.SendAsync(new GetAppeal(f.Clerk, tracking));
        Assert.Equal(AppealStatus.InReview, detail.Status);
        Assert.Equal(("box.png", 11L), (Assert.Single(detail.Attachments).FileName, detail.Attachments[0].Length));
        Assert.Empty(detail.MatchedImsis); // a clerk is not shown subscriber identities
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Attachments_must_be_what_they_say_and_are_audited_when_opened(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var filed = await f.SendAsync(f.Filing());
        var pdf = "%PDF-1.4 invoice"u8.ToArray();

        var lying = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new AddAttachment
        {
            Actor = f.Clerk, TrackingNumber = filed.TrackingNumber, FileName = "invoice.jpg", ContentType = "image/jpeg", Content = pdf,
        }));
        Assert.Equal("invoice.jpg is declared image/jpeg but its content is application/pdf", lying.Message);
        var type = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new AddAttachment
        {
            Actor = f.Clerk, TrackingNumber = filed.TrackingNumber, FileName = "a.gif", ContentType = "image/gif", Content = "GIF89a"u8.ToArray(),
        }));
        Assert.Equal(AppealProblem.Refused, type.Problem);
        var otherOffice = await Assert.ThrowsAsync<AppealException>(() => f.SendAsync(new AddAttachment
        {
            Actor = f.Clerk2, TrackingNumber = filed.TrackingNumber, FileName = "invoice.pdf", ContentType = "application/pdf", Content = pdf,
        }));
        Assert.Equal(AppealProblem.NotFound, otherOffice.Problem);

        var added = await f.SendAsync(new AddAttachment
        {
            Actor = f.Clerk, TrackingNumber = filed.TrackingNumber, FileName = "invoice.pdf", ContentType = "application/pdf", Content = pdf,
        });
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), added.Sha256);
        var opened = await f.SendAsync(new OpenAttachment(f.Reviewer, filed.TrackingNumber, added.Id));
        Assert.Equal(pdf, opened.Content);
        await using var db = f.Context();
        var opening = await db.Set<AuditEntry>().SingleAsync(a => a.Action == AuditActions.AttachmentOpened);
        Assert.Equal(("reviewer", "appeal:" + filed.TrackingNumber, Key), (opening.ActorName, opening.Subject, opening.Imei!.Value));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_step_writes_its_trail_entry_and_audit_entry_with_before_and_after(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        var (tracking, version) = await f.FileAndTakeAsync();
        await f.SendAsync(new DecideAppeal { Actor = f.Reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Pair });

        await using var db = f.Context();
        var audit = await db.Set<AuditEntry>().OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([AuditActions.AppealFiled, AuditActions.AppealAssigned, AuditActions.AppealPaired], audit.Select(a => a.Action));
        Assert.Equal(["clerk", "reviewer", "reviewer"], audit.Select(a => a.ActorName));
        Assert.All(audit, a => Assert.Equal(("appeal:" + tracking, Key), (a.Subject, a.Imei!.Value)));
        Assert.Null(audit[0].Before);
        Assert.Contains("\"status\":\"New\"", audit[1].Before, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"InReview\"", audit[1].After, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"Paired\"", audit[2].After, StringComparison.Ordinal);
        var trail = await db.Set<AppealEvent>().OrderBy(e => e.Id).Select(e => new { e.Kind, e.Status }).ToListAsync();
        Assert.Equal(
            [(AppealEventKind.Filed, AppealStatus.New), (AppealEventKind.Assigned, AppealStatus.InReview), (AppealEventKind.Paired, AppealStatus.Approved)],
            trail.Select(t => (t.Kind, t.Status)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_database_refuses_to_change_or_delete_audit_entries_and_trail_entries(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        await f.SeedCloneAsync();
        await f.SendAsync(f.Filing());

        foreach (var sql in new[]
                 {
                     "UPDATE audit_entries SET reason = 'edited'",
                     "DELETE FROM audit_entries",
                     "UPDATE appeal_events SET text = 'edited'",
                     "DELETE FROM appeal_events",
                 })
        {
            await using var connection = await f.Db.Database.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var ex = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", ex.Message, StringComparison.Ordinal);
        }

        await using var db = f.Context();
        Assert.Equal(1, await db.Set<AuditEntry>().CountAsync(a => a.Reason == null));
        Assert.Equal(1, await db.Set<AppealEvent>().CountAsync(e => e.Text == null));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_queue_filters_and_pages_oldest_first_and_a_clerk_sees_their_office_only(DatabaseProvider provider)
    {
        await using var f = await AppealFixture.CreateAsync(provider);
        var imeis = new[] { "35332510000016", "35332510000024", "35332510000032" };
        var filed = new List<string>();
        foreach (var (imei, i) in imeis.Select((x, i) => (x, i)))
        {
            await f.Db.AddCloneStatusAsync(imei, CloneStatusValues.Clone, AppealFixture.GenuineImsi);
            f.Clock.Now = new DateTimeOffset(2026, 12, 1 + i, 6, 0, 0, TimeSpan.Zero);
            filed.Add((await f.SendAsync(f.Filing(WebTestData.WithCheckDigit(imei), i == 1 ? f.Clerk2 : f.Clerk))).TrackingNumber);
        }

        await f.SendAsync(new AssignAppeal { Actor = f.Reviewer, TrackingNumber = filed[2], Version = 0 });

        var all = await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, PageSize = 2 });
        Assert.Equal((3, 2), (all.Total, all.Pages));
        Assert.Equal(filed[..2], all.Rows.Select(r => r.TrackingNumber));
        var second = await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, PageSize = 2, Page = 2 });
        Assert.Equal([filed[2]], second.Rows.Select(r => r.TrackingNumber));
        Assert.Equal(("reviewer", AppealStatus.InReview), (second.Rows[0].AssigneeName, second.Rows[0].Status));

        Assert.Equal([filed[2]], (await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, Assignment = QueueAssignment.Mine })).Rows.Select(r => r.TrackingNumber));
        Assert.Equal(filed[..2], (await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, Assignment = QueueAssignment.Unassigned })).Rows.Select(r => r.TrackingNumber));
        Assert.Equal([filed[1]], (await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, Office = "Ganja 2" })).Rows.Select(r => r.TrackingNumber));
        Assert.Equal(filed[..2], (await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, Status = AppealStatus.New })).Rows.Select(r => r.TrackingNumber));
        Assert.Equal(filed[..1], (await f.SendAsync(new GetAppealQueue { Actor = f.Reviewer, OlderThanDays = 1 })).Rows.Select(r => r.TrackingNumber));

        // A clerk's filter naming another office still shows their own office only.
        var clerk = await f.SendAsync(new GetAppealQueue { Actor = f.Clerk, Office = "Ganja 2" });
        Assert.Equal([filed[0], filed[2]], clerk.Rows.Select(r => r.TrackingNumber));
    }
}

/// <summary>The handler's translation of the open-IMEI index violation, for the test above.</summary>
internal static class FileAppealHandlerProbe
{
    public static bool IsOpenImeiConflict(DbUpdateException ex) => DeviceRegistry.Appeals.FileAppealHandler.IsOpenImeiConflict(ex);
}
