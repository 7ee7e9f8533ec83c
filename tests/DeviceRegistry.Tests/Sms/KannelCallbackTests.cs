using System.Net;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Sms;

/// <summary>The callbacks Kannel calls, without Kannel: delivery reports per message and the inbound IMEI check.</summary>
public sealed class KannelCallbackTests
{
    private const string Token = KannelEndToEndTests.Token;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reports_move_a_message_to_delivered_or_failed_once_and_a_refused_report_changes_nothing(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["Sms:Kannel:CallbackToken"] = Token });
        using var client = web.CreateClient();
        long sent, failing, pending, noRecipient;
        await using (var context = web.Database.CreateContext())
        {
            SmsMessage Row(string msisdn, SmsStatus status) => new()
            {
                Imei = 35332510123456, Msisdn = msisdn, WindowStart = new DateOnly(2026, 11, 1), WarningDay = msisdn.Length,
                Deadline = new DateOnly(2026, 11, 30), Body = "b", Status = status, Attempts = 1, CreatedAt = DateTime.UtcNow,
                SentAt = status == SmsStatus.Sent ? DateTime.UtcNow : null,
            };
            var rows = new[] { Row("9945", SmsStatus.Sent), Row("99455", SmsStatus.Sent), Row("994555", SmsStatus.Pending), Row("", SmsStatus.NoRecipient) };
            context.AddRange(rows);
            await context.SaveChangesAsync();
            (sent, failing, pending, noRecipient) = (rows[0].Id, rows[1].Id, rows[2].Id, rows[3].Id);
        }

        async Task<HttpStatusCode> Report(string query) => (await client.GetAsync($"/sms/kannel/dlr?{query}")).StatusCode;

        // Accepted by the SMSC (8) is no final word: still Sent, the report kept as the last one.
        Assert.Equal(HttpStatusCode.OK, await Report($"id={sent}&type=8&token={Token}"));
        Assert.Equal((SmsStatus.Sent, 8), await StateAsync(web, sent));
        Assert.Equal(HttpStatusCode.OK, await Report($"id={sent}&type=1&token={Token}"));
        Assert.Equal((SmsStatus.Delivered, 1), await StateAsync(web, sent));
        // A later report (Kannel's fake SMSC sends 8 after 1) is recorded but does not undo the delivery.
        Assert.Equal(HttpStatusCode.OK, await Report($"id={sent}&type=8&token={Token}"));
        Assert.Equal((SmsStatus.Delivered, 8), await StateAsync(web, sent));
        Assert.Equal(HttpStatusCode.OK, await Report($"id={failing}&type=16&token={Token}"));
        Assert.Equal((SmsStatus.Failed, 16), await StateAsync(web, failing));
        Assert.Equal(HttpStatusCode.OK, await Report($"id={failing}&type=1&token={Token}"));
        Assert.Equal((SmsStatus.Failed, 1), await StateAsync(web, failing));
        // The gateway took a message the registry had not marked yet: it will not be sent again.
        Assert.Equal(HttpStatusCode.OK, await Report($"id={pending}&type=1&token={Token}"));
        Assert.Equal((SmsStatus.Delivered, 1), await StateAsync(web, pending));

        // Refused: unknown or never-sent messages, malformed or unknown types, a wrong or missing token.
        Assert.Equal(HttpStatusCode.NotFound, await Report($"id={noRecipient}&type=1&token={Token}"));
        Assert.Equal(HttpStatusCode.NotFound, await Report($"id=987654&type=1&token={Token}"));
        Assert.Equal(HttpStatusCode.NotFound, await Report($"id=1000000987654&type=1&token={Token}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Report($"id={failing}&type=3&token={Token}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Report($"id=abc&type=1&token={Token}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Report($"id={failing}&token={Token}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Report($"id={failing}&type=2&token=wrong-token"));
        Assert.Equal(HttpStatusCode.Forbidden, await Report($"id={failing}&type=2"));
        var malformed = await client.GetAsync($"/sms/kannel/dlr?id=abc&type=1&token={Token}");
        Assert.Contains("id must be the message id", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var after = web.Database.CreateContext();
        var states = await after.Set<SmsMessage>().AsNoTracking().OrderBy(m => m.Id).ToListAsync();
        Assert.Equal([SmsStatus.Delivered, SmsStatus.Failed, SmsStatus.Delivered, SmsStatus.NoRecipient], states.Select(m => m.Status));
        Assert.Null(states[3].LastReport);
        Assert.All(states.Take(3), m => Assert.NotNull(m.SentAt));
        Assert.NotNull(states[0].DeliveredAt);
        Assert.Null(states[0].FailedAt);
        Assert.NotNull(states[1].FailedAt);
        Assert.Null(states[1].DeliveredAt);
    }

    [Fact]
    public async Task Without_a_callback_token_the_callbacks_answer_not_found()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite);
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sms/kannel/dlr?id=1&type=1&token=")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sms/kannel/inbound?text=490154203237518&token=")).StatusCode);
    }

    [Fact]
    public async Task The_inbound_check_answers_from_the_public_check_and_says_when_the_reply_needs_ucs2()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Sms:Kannel:CallbackToken"] = Token });
        using var client = web.CreateClient();

        var english = await client.GetAsync($"/sms/kannel/inbound?token={Token}&from=994501234567&text=IMEI+490154203237519+en");
        Assert.Equal(HttpStatusCode.OK, english.StatusCode);
        Assert.Equal("0", english.Headers.GetValues("X-Kannel-Coding").Single());
        Assert.StartsWith("IMEI 490154203237519: Not a valid IMEI. ", await english.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var azerbaijani = await client.GetAsync($"/sms/kannel/inbound?token={Token}&from=994501234567&text=490154203237518");
        Assert.Equal("2", azerbaijani.Headers.GetValues("X-Kannel-Coding").Single());
        Assert.StartsWith("IMEI 490154203237518: Şəbəkədə görünməyib. Bu cihaz", await azerbaijani.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var wrong = await client.GetAsync($"/sms/kannel/inbound?token=nope&text=490154203237518");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    private static async Task<(SmsStatus, int?)> StateAsync(RegistryWebFactory web, long id)
    {
        await using var context = web.Database.CreateContext();
        var message = await context.Set<SmsMessage>().AsNoTracking().SingleAsync(m => m.Id == id);
        return (message.Status, message.LastReport);
    }
}
