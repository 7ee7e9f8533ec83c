using DeviceRegistry.Eir.Diameter;

namespace DeviceRegistry.Tests.Eir.Diameter;

/// <summary>The framing (RFC 6733 3 and 4) against byte sequences written by hand, field by field.</summary>
public sealed class DiameterFramingTests
{
    // A Device-Watchdog-Request as an MME sends it (RFC 6733 5.5.1): header, Origin-Host "mme.ex", Origin-Realm "ex".
    private static readonly byte[] Dwr =
    [
        0x01, 0x00, 0x00, 0x30,             // version 1, length 48
        0x80, 0x00, 0x01, 0x18,             // flags R, command 280
        0x00, 0x00, 0x00, 0x00,             // application 0
        0x11, 0x22, 0x33, 0x44,             // hop-by-hop
        0x55, 0x66, 0x77, 0x88,             // end-to-end
        0x00, 0x00, 0x01, 0x08, 0x40, 0x00, 0x00, 0x0e, (byte)'m', (byte)'m', (byte)'e', (byte)'.', (byte)'e', (byte)'x', 0x00, 0x00, // Origin-Host (264), M, length 14, padded to 16
        0x00, 0x00, 0x01, 0x28, 0x40, 0x00, 0x00, 0x0a, (byte)'e', (byte)'x', 0x00, 0x00, // Origin-Realm (296), M, length 10, padded to 12
    ];

    // The Terminal-Information grouped AVP of an ME-Identity-Check-Request (TS 29.272 7.3.3): vendor 10415 (0x28af),
    // IMEI "35761300444848" (14 digits) and Software-Version "01".
    private static readonly byte[] TerminalInformation =
    [
        0x00, 0x00, 0x05, 0x79, 0xc0, 0x00, 0x00, 0x38, 0x00, 0x00, 0x28, 0xaf, // 1401, V+M, length 56, vendor 10415
        0x00, 0x00, 0x05, 0x7a, 0xc0, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x28, 0xaf, // 1402, V+M, length 26 (12 + 14)
        (byte)'3', (byte)'5', (byte)'7', (byte)'6', (byte)'1', (byte)'3', (byte)'0', (byte)'0', (byte)'4', (byte)'4', (byte)'4', (byte)'8', (byte)'4', (byte)'8', 0x00, 0x00,
        0x00, 0x00, 0x05, 0x7b, 0xc0, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x28, 0xaf, // 1403, V+M, length 14 (12 + 2)
        (byte)'0', (byte)'1', 0x00, 0x00,
    ];

    [Fact]
    public void A_hand_written_watchdog_request_is_framed_and_its_avps_read()
    {
        Assert.Equal(DiameterFrame.Complete, DiameterFraming.Frame(Dwr, out var header));
        Assert.Equal(new DiameterHeader(1, 48, 0x80, 280, 0, 0x11223344, 0x55667788), header);
        Assert.True(header.IsRequest);

        var reader = DiameterAvpReader.OfMessage(Dwr);
        Assert.True(reader.TryRead(out var host));
        Assert.Equal((264, "mme.ex", true, 0u), (host.Code, host.Utf8(), host.IsMandatory, host.VendorId));
        Assert.True(reader.TryRead(out var realm));
        Assert.Equal((296, "ex"), (realm.Code, realm.Utf8()));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(DiameterAvpError.None, reader.Error);
    }

    [Fact]
    public void Fewer_bytes_than_the_header_or_the_length_say_are_incomplete()
    {
        Assert.Equal(DiameterFrame.Incomplete, DiameterFraming.Frame(Dwr.AsSpan(0, 19), out _));
        Assert.Equal(DiameterFrame.Incomplete, DiameterFraming.Frame(Dwr.AsSpan(0, 47), out _));
    }

    [Fact]
    public void A_grouped_vendor_avp_is_read_with_its_vendor_and_inner_avps()
    {
        var reader = new DiameterAvpReader(TerminalInformation);
        Assert.True(reader.TryRead(out var group));
        Assert.Equal((1401, 10415u, 44), (group.Code, group.VendorId, group.Data.Length));
        var inner = new DiameterAvpReader(group.Data);
        Assert.True(inner.TryRead(out var imei));
        Assert.Equal((1402, 10415u, "35761300444848"), (imei.Code, imei.VendorId, imei.Utf8()));
        Assert.True(inner.TryRead(out var sv));
        Assert.Equal((1403, "01"), (sv.Code, sv.Utf8()));
        Assert.False(inner.TryRead(out _));
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void The_writer_writes_exactly_the_hand_written_bytes()
    {
        var writer = new DiameterWriter(16);
        var start = writer.BeginMessage(DiameterCodes.FlagRequest, 280, 0, 0x11223344, 0x55667788);
        writer.Utf8(264, "mme.ex");
        writer.Utf8(296, "ex");
        writer.EndMessage(start);
        Assert.Equal(Dwr, writer.Written.ToArray());

        writer.Clear();
        var group = writer.BeginGrouped(1401, DiameterCodes.AvpMandatory, 10415);
        writer.Utf8(1402, "35761300444848", DiameterCodes.AvpMandatory, 10415);
        writer.Utf8(1403, "01", DiameterCodes.AvpMandatory, 10415);
        writer.EndGrouped(group);
        Assert.Equal(TerminalInformation, writer.Written.ToArray());
    }

    [Fact]
    public void A_message_length_under_20_or_not_a_multiple_of_4_or_too_large_is_a_bad_length()
    {
        byte[] Header(int length) => [0x01, (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0x80, 0x00, 0x01, 0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1];
        Assert.Equal(DiameterFrame.BadLength, DiameterFraming.Frame(Header(16), out _));
        Assert.Equal(DiameterFrame.BadLength, DiameterFraming.Frame(Header(22), out _));
        Assert.Equal(DiameterFrame.BadLength, DiameterFraming.Frame(Header(0x100004), out _));
    }

    [Fact]
    public void Another_version_is_framed_as_bad_version_so_it_can_be_answered_and_skipped()
    {
        var v2 = (byte[])Dwr.Clone();
        v2[0] = 2;
        Assert.Equal(DiameterFrame.BadVersion, DiameterFraming.Frame(v2, out var header));
        Assert.Equal(48, header.Length);
    }

    [Fact]
    public void An_avp_length_under_8_is_an_invalid_avp_length_naming_the_avp()
    {
        byte[] body = [0x00, 0x00, 0x01, 0x08, 0x40, 0x00, 0x00, 0x06, 0x61, 0x62, 0x00, 0x00];
        var reader = new DiameterAvpReader(body);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(DiameterAvpError.InvalidLength, reader.Error);
        Assert.Equal(264, reader.FailedCode);
    }

    [Fact]
    public void A_vendor_avp_length_under_12_is_an_invalid_avp_length()
    {
        byte[] body = [0x00, 0x00, 0x05, 0x7a, 0xc0, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x28, 0xaf];
        var reader = new DiameterAvpReader(body);
        Assert.False(reader.TryRead(out _));
        Assert.Equal((DiameterAvpError.InvalidLength, 1402, 10415u), (reader.Error, reader.FailedCode, reader.FailedVendor));
    }

    [Fact]
    public void An_avp_running_past_the_end_of_its_message_is_an_invalid_avp_length()
    {
        // Origin-Host claiming 40 bytes in a 16-byte body: a truncated AVP.
        byte[] body = [0x00, 0x00, 0x01, 0x08, 0x40, 0x00, 0x00, 0x28, (byte)'m', (byte)'m', (byte)'e', (byte)'.', (byte)'e', (byte)'x', 0x00, 0x00];
        var reader = new DiameterAvpReader(body);
        Assert.False(reader.TryRead(out _));
        Assert.Equal((DiameterAvpError.InvalidLength, 264), (reader.Error, reader.FailedCode));
        Assert.Equal("mme.ex\0\0"u8.ToArray(), reader.FailedData.ToArray());
    }

    [Fact]
    public void Fewer_than_8_bytes_left_for_an_avp_header_is_an_invalid_avp_length()
    {
        byte[] body = [0x00, 0x00, 0x01, 0x08];
        var reader = new DiameterAvpReader(body);
        Assert.False(reader.TryRead(out _));
        Assert.Equal((DiameterAvpError.InvalidLength, 264), (reader.Error, reader.FailedCode));
    }

    [Fact]
    public void An_unsigned32_is_four_bytes_big_endian()
    {
        var writer = new DiameterWriter();
        writer.Unsigned32(268, 2001);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x01, 0x0c, 0x40, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x07, 0xd1 }, writer.Written.ToArray());
        var reader = new DiameterAvpReader(writer.Written.Span);
        Assert.True(reader.TryRead(out var avp));
        Assert.True(avp.TryUnsigned32(out var value));
        Assert.Equal(2001u, value);
    }

    [Fact]
    public void An_ipv4_address_avp_carries_family_1()
    {
        var writer = new DiameterWriter();
        writer.Address(257, System.Net.IPAddress.Loopback);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x01, 0x01, 0x40, 0x00, 0x00, 0x0e, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x00 }, writer.Written.ToArray());
    }
}
