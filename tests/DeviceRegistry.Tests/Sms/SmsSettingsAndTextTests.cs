using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Sms;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Sms;
using Microsoft.Extensions.Configuration;
using CliRunner = DeviceRegistry.Tests.Infrastructure.Cli;

namespace DeviceRegistry.Tests.Sms;

/// <summary>The Sms settings' checks, the sendsms request Kannel gets, and how an inbound text is read.</summary>
public sealed class SmsSettingsAndTextTests
{
    private static string Problems(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<SmsSettings>(configuration, SmsSettings.Section)).Message;
    }

    [Fact]
    public void Bad_sms_settings_name_their_key_and_what_is_allowed()
    {
        var kannel = Problems(("Sms:Gateway", "Kannel"));
        Assert.Contains("Sms:Kannel:SendUrl is ''; with Sms:Gateway Kannel it must be smsbox's absolute http(s) sendsms address", kannel, StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:Username and Sms:Kannel:Password must both be set", kannel, StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:From must be set", kannel, StringComparison.Ordinal);
        Assert.Contains("Sms:Gateway is 'Smpp'; it must be one of File, Kannel", Problems(("Sms:Gateway", "Smpp")), StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:SendUrls is not a setting", Problems(("Sms:Kannel:SendUrls", "x")), StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:DlrUrl 'http://127.0.0.1:5080/sms/kannel/dlr?id={id}&token={token}' lacks %d",
            Problems(("Sms:Kannel:DlrUrl", "http://127.0.0.1:5080/sms/kannel/dlr?id={id}&token={token}"), ("Sms:Kannel:CallbackToken", KannelEndToEndTests.Token)),
            StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:DlrUrl is set but Sms:Kannel:CallbackToken is not",
            Problems(("Sms:Kannel:DlrUrl", "http://127.0.0.1:5080/sms/kannel/dlr?id={id}&type=%d&token={token}")), StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:CallbackToken has 5 characters; it must have at least 24", Problems(("Sms:Kannel:CallbackToken", "short")), StringComparison.Ordinal);
        Assert.Contains("Sms:OutboxFile is set but Sms:Gateway is Kannel",
            Problems(("Sms:Gateway", "Kannel"), ("Sms:OutboxFile", "sms.txt")), StringComparison.Ordinal);
        Assert.Contains("Sms:Kannel:TimeoutSeconds is 0", Problems(("Sms:Kannel:TimeoutSeconds", "0")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devreg_stops_with_code_2_on_a_bad_sms_setting_and_on_both_names_of_the_outbox_file()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var bad = await CliRunner.RunAsync(new Dictionary<string, string?>(db.Settings) { ["Sms:Gateway"] = "Kannel" }, "enforce");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Sms:Kannel:SendUrl", bad.Error, StringComparison.Ordinal);

        var both = await CliRunner.RunAsync(
            new Dictionary<string, string?>(db.Settings) { ["Sms:OutboxFile"] = "a.txt", ["Registration:SmsOutboxFile"] = "b.txt" }, "enforce");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("Registration:SmsOutboxFile is the older name of Sms:OutboxFile", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sendsms_request_carries_utf8_text_ucs2_coding_and_the_report_url_of_the_message()
    {
        var settings = new KannelSettings
        {
            SendUrl = "http://127.0.0.1:13013/cgi-bin/sendsms", Username = "reg", Password = "p&ss", From = "1677",
            DlrUrl = "http://127.0.0.1:5080/sms/kannel/dlr?id={id}&type=%d&token={token}", DlrMask = 3, CallbackToken = "tok",
        };
        using var sender = new KannelSmsSender(settings);

        var cyrillic = sender.RequestUri(new OutgoingSms(42, "994501234567", "Привет ə")).AbsoluteUri;
        Assert.Equal(
            "http://127.0.0.1:13013/cgi-bin/sendsms?username=reg&password=p%26ss&from=1677&to=994501234567" +
            "&text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%C9%99&charset=UTF-8&coding=2&dlr-mask=3" +
            "&dlr-url=http%3A%2F%2F127.0.0.1%3A5080%2Fsms%2Fkannel%2Fdlr%3Fid%3D42%26type%3D%25d%26token%3Dtok",
            cyrillic);
        var latin = sender.RequestUri(new OutgoingSms(7, "994501234567", "Appeal AP-1: approved.")).AbsoluteUri;
        Assert.Contains("&coding=0&", latin, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inbound_text_is_an_imei_with_spaces_and_an_optional_language_keyword()
    {
        Assert.Equal(("az", "490154203237518"), InboundImeiCheck.Read("490154203237518"));
        Assert.Equal(("en", "490154203237518"), InboundImeiCheck.Read(" 4901 5420 3237518 EN "));
        Assert.Equal(("ru", "490154203237518"), InboundImeiCheck.Read("ru IMEI 490154203237518"));
        Assert.Equal(("az", "4901542032"), InboundImeiCheck.Read("4901542032 az"));
        Assert.Equal(("en", null), InboundImeiCheck.Read("hello EN"));
        Assert.Equal(("az", null), InboundImeiCheck.Read("4901-5420-3237518"));
        Assert.Equal(("az", null), InboundImeiCheck.Read(""));
        Assert.Equal(("az", null), InboundImeiCheck.Read(null));
    }

    [Fact]
    public void Message_ids_name_their_outbox()
    {
        Assert.True(SmsMessageIds.TryResolve(17, out var warning, out var warningRow));
        Assert.Equal((SmsOutboxKind.RegistrationWarnings, 17L), (warning, warningRow));
        Assert.True(SmsMessageIds.TryResolve(1_000_000_000_005, out var appeal, out var appealRow));
        Assert.Equal((SmsOutboxKind.AppealMessages, 5L), (appeal, appealRow));
        Assert.False(SmsMessageIds.TryResolve(0, out _, out _));
        Assert.False(SmsMessageIds.TryResolve(1_000_000_000_000, out _, out _));
        Assert.False(SmsMessageIds.TryResolve(-3, out _, out _));
    }
}
