using System.Net;
using System.Net.Sockets;
using System.Text;
using DeviceRegistry.Eir.Diameter;

namespace DeviceRegistry.Tests.Eir.Diameter;

/// <summary>One answer as the test client read it: the header and the AVPs a test looks at.</summary>
public sealed record DiameterAnswer(
    DiameterHeader Header, uint? ResultCode, uint? ExperimentalResultCode, uint? ExperimentalVendor, uint? EquipmentStatus,
    string? SessionId, string? OriginHost, int? FailedAvpCode, string? ErrorMessage, bool AdvertisesS13, byte[] Bytes);

/// <summary>
/// An MME-like Diameter client over loopback for the S13 tests: CER, DWR, DPR and ECR, sent one by one or
/// many before reading (pipelined). Requests are built with the framing's writer (checked against hand-written
/// bytes in DiameterFramingTests); answers are read with its reader.
/// </summary>
public sealed class DiameterTestClient : IAsyncDisposable
{
    public const string Host = "mme1.epc.mnc001.mcc400.3gppnetwork.org";
    public const string Realm = "epc.mnc001.mcc400.3gppnetwork.org";

    private readonly Socket socket;
    private readonly byte[] buffer = new byte[1 << 20];
    private readonly DiameterWriter writer = new();
    private int filled;
    private uint nextId = 0x1000;

    private DiameterTestClient(Socket socket) => this.socket = socket;

    public string OriginHost { get; init; } = Host;

    public string OriginRealm { get; init; } = Realm;

    public static async Task<DiameterTestClient> ConnectAsync(int port, string originHost = Host, string originRealm = Realm)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new DiameterTestClient(socket) { OriginHost = originHost, OriginRealm = originRealm };
    }

    /// <summary>CER advertising S13 (or <paramref name="applications"/> as plain Auth-Application-Ids), then its CEA.</summary>
    public Task<DiameterAnswer> ExchangeCapabilitiesAsync(params uint[] applications)
    {
        var id = NextId();
        var start = writer.BeginMessage(DiameterCodes.FlagRequest, DiameterCodes.CapabilitiesExchange, 0, id, id);
        writer.Utf8(DiameterCodes.OriginHost, OriginHost);
        writer.Utf8(DiameterCodes.OriginRealm, OriginRealm);
        writer.Address(DiameterCodes.HostIpAddress, IPAddress.Loopback);
        writer.Unsigned32(DiameterCodes.VendorId, 0);
        writer.Utf8(DiameterCodes.ProductName, "test MME", 0);
        writer.Unsigned32(DiameterCodes.SupportedVendorId, DiameterCodes.Vendor3Gpp);
        if (applications.Length == 0)
        {
            var group = writer.BeginGrouped(DiameterCodes.VendorSpecificApplicationId);
            writer.Unsigned32(DiameterCodes.VendorId, DiameterCodes.Vendor3Gpp);
            writer.Unsigned32(DiameterCodes.AuthApplicationId, DiameterCodes.S13);
            writer.EndGrouped(group);
        }

        foreach (var app in applications)
        {
            writer.Unsigned32(DiameterCodes.AuthApplicationId, app);
        }

        writer.EndMessage(start);
        return SendAndReadAsync();
    }

    public Task<DiameterAnswer> WatchdogAsync()
    {
        WriteBaseRequest(DiameterCodes.DeviceWatchdog);
        return SendAndReadAsync();
    }

    public Task<DiameterAnswer> DisconnectAsync()
    {
        var id = NextId();
        var start = writer.BeginMessage(DiameterCodes.FlagRequest, DiameterCodes.DisconnectPeer, 0, id, id);
        writer.Utf8(DiameterCodes.OriginHost, OriginHost);
        writer.Utf8(DiameterCodes.OriginRealm, OriginRealm);
        writer.Unsigned32(DiameterCodes.DisconnectCause, 2); // DO_NOT_WANT_TO_TALK_TO_YOU
        writer.EndMessage(start);
        return SendAndReadAsync();
    }

    /// <summary>An ME-Identity-Check-Request; <paramref name="imei"/> as the IMEI AVP's digits, <paramref name="imsi"/> as User-Name.</summary>
    public Task<DiameterAnswer> CheckAsync(string imei, string? imsi = null, string? softwareVersion = null)
    {
        WriteEcr(imei, imsi, softwareVersion, NextId());
        return SendAndReadAsync();
    }

    /// <summary>Writes an ECR into the outgoing buffer without sending (see <see cref="FlushAsync"/>).</summary>
    /// <param name="extra">Writes further AVPs at the end of the ECR (ones an MME may add, or ones it must not).</param>
    public uint WriteEcr(string imei, string? imsi, string? softwareVersion, uint hopByHop, bool withTerminalInformation = true, Action<DiameterWriter>? extra = null)
    {
        var start = writer.BeginMessage(DiameterCodes.FlagRequest | DiameterCodes.FlagProxiable, DiameterCodes.MeIdentityCheck, DiameterCodes.S13, hopByHop, hopByHop ^ 0x5a5a0000);
        writer.Utf8(DiameterCodes.SessionId, $"{OriginHost};1;{hopByHop}");
        var vsai = writer.BeginGrouped(DiameterCodes.VendorSpecificApplicationId);
        writer.Unsigned32(DiameterCodes.VendorId, DiameterCodes.Vendor3Gpp);
        writer.Unsigned32(DiameterCodes.AuthApplicationId, DiameterCodes.S13);
        writer.EndGrouped(vsai);
        writer.Unsigned32(DiameterCodes.AuthSessionState, DiameterCodes.NoStateMaintained);
        writer.Utf8(DiameterCodes.OriginHost, OriginHost);
        writer.Utf8(DiameterCodes.OriginRealm, OriginRealm);
        writer.Utf8(DiameterCodes.DestinationRealm, "eir.test");
        if (withTerminalInformation)
        {
            var terminal = writer.BeginGrouped(DiameterCodes.TerminalInformation, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            writer.Utf8(DiameterCodes.Imei, imei, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            if (softwareVersion is not null)
            {
                writer.Utf8(DiameterCodes.SoftwareVersion, softwareVersion, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            }

            writer.EndGrouped(terminal);
        }

        if (imsi is not null)
        {
            writer.Utf8(DiameterCodes.UserName, imsi);
        }

        extra?.Invoke(writer);
        writer.EndMessage(start);
        return hopByHop;
    }

    /// <summary>A request of the base application with only Origin-Host and Origin-Realm (DWR, or any command code).</summary>
    public uint WriteBaseRequest(int commandCode, uint applicationId = 0)
    {
        var id = NextId();
        var start = writer.BeginMessage(DiameterCodes.FlagRequest, commandCode, applicationId, id, id);
        writer.Utf8(DiameterCodes.OriginHost, OriginHost);
        writer.Utf8(DiameterCodes.OriginRealm, OriginRealm);
        writer.EndMessage(start);
        return id;
    }

    /// <summary>Sends raw bytes (malformed messages) and reads one answer.</summary>
    public async Task<DiameterAnswer> SendRawAsync(byte[] bytes)
    {
        await socket.SendAsync(bytes, SocketFlags.None);
        return await ReadAnswerAsync();
    }

    public async Task FlushAsync()
    {
        await socket.SendAsync(writer.Written, SocketFlags.None);
        writer.Clear();
    }

    private async Task<DiameterAnswer> SendAndReadAsync()
    {
        await FlushAsync();
        return await ReadAnswerAsync();
    }

    /// <summary>The next answer from the EIR (10 s at most).</summary>
    public async Task<DiameterAnswer> ReadAnswerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var frame = DiameterFraming.Frame(buffer.AsSpan(0, filled), out var header);
            if (frame == DiameterFrame.Complete)
            {
                var bytes = buffer.AsSpan(0, header.Length).ToArray();
                buffer.AsSpan(header.Length, filled - header.Length).CopyTo(buffer);
                filled -= header.Length;
                return Parse(bytes);
            }

            Assert.Equal(DiameterFrame.Incomplete, frame);
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                throw new IOException("The EIR closed the connection.");
            }

            filled += read;
        }
    }

    /// <summary>Whether the EIR closes the connection within a few seconds (no more bytes, then end of stream).</summary>
    public async Task<bool> IsClosedByPeerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return true;
                }

                filled += read;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static DiameterAnswer Parse(byte[] bytes)
    {
        var header = DiameterHeader.Read(bytes);
        uint? result = null, experimental = null, experimentalVendor = null, status = null;
        string? session = null, origin = null, error = null;
        int? failed = null;
        var s13 = false;
        var reader = DiameterAvpReader.OfMessage(bytes);
        while (reader.TryRead(out var avp))
        {
            switch (avp.Code)
            {
                case DiameterCodes.ResultCode when avp.TryUnsigned32(out var r):
                    result = r;
                    break;
                case DiameterCodes.SessionId:
                    session = avp.Utf8();
                    break;
                case DiameterCodes.OriginHost:
                    origin = avp.Utf8();
                    break;
                case DiameterCodes.ErrorMessage:
                    error = avp.Utf8();
                    break;
                case DiameterCodes.EquipmentStatus when avp.VendorId == DiameterCodes.Vendor3Gpp && avp.TryUnsigned32(out var e):
                    status = e;
                    break;
                case DiameterCodes.FailedAvp:
                    var inner = new DiameterAvpReader(avp.Data);
                    if (inner.TryRead(out var first))
                    {
                        failed = first.Code;
                    }

                    break;
                case DiameterCodes.ExperimentalResult:
                    var parts = new DiameterAvpReader(avp.Data);
                    while (parts.TryRead(out var part))
                    {
                        if (part.Code == DiameterCodes.VendorId && part.TryUnsigned32(out var v))
                        {
                            experimentalVendor = v;
                        }
                        else if (part.Code == DiameterCodes.ExperimentalResultCode && part.TryUnsigned32(out var x))
                        {
                            experimental = x;
                        }
                    }

                    break;
                case DiameterCodes.VendorSpecificApplicationId:
                    var app = new DiameterAvpReader(avp.Data);
                    while (app.TryRead(out var part))
                    {
                        s13 |= part.Code == DiameterCodes.AuthApplicationId && part.TryUnsigned32(out var a) && a == DiameterCodes.S13;
                    }

                    break;
            }
        }

        Assert.Equal(DiameterAvpError.None, reader.Error);
        return new DiameterAnswer(header, result, experimental, experimentalVendor, status, session, origin, failed, error, s13, bytes);
    }

    private uint NextId() => nextId++;

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The answer as text for assertion messages.</summary>
    public static string Describe(DiameterAnswer a) => new StringBuilder()
        .Append("cmd ").Append(a.Header.CommandCode).Append(" flags 0x").Append(a.Header.Flags.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))
        .Append(" result ").Append(a.ResultCode).Append(" experimental ").Append(a.ExperimentalResultCode)
        .Append(" status ").Append(a.EquipmentStatus).Append(" error ").Append(a.ErrorMessage).ToString();
}
