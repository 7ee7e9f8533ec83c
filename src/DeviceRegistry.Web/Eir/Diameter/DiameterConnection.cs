using System.Net;
using System.Net.Sockets;
using DeviceRegistry.Eir;
using DeviceRegistry.Eir.Diameter;

namespace DeviceRegistry.Web.Eir.Diameter;

/// <summary>
/// One peer connection (RFC 6733 5): capabilities exchange first (an unknown peer gets DIAMETER_UNKNOWN_PEER and is
/// closed), then watchdogs, disconnect and ME-Identity-Check requests. Every whole message in a read is answered
/// into one buffer and sent with one write, so a peer may keep many requests in flight (answers come in request
/// order, each with its hop-by-hop and end-to-end ids). A bad request gets its error answer and the connection
/// stays up; only a length that loses the framing (DIAMETER_INVALID_MESSAGE_LENGTH) closes it.
/// </summary>
internal sealed class DiameterConnection(DiameterPeerService peer, Socket socket)
{
    private const string ProductName = "DeviceRegistry EIR";

    private readonly EndPoint? remote = socket.RemoteEndPoint;
    private readonly EndPoint? localEndPoint = socket.LocalEndPoint;
    private readonly DiameterWriter writer = new();
    private readonly byte[] buffer = new byte[DiameterFraming.MaxMessageLength + 4096];
    private int operatorId;
    private string operatorName = DeviceRegistry.Infrastructure.RegistryTelemetry.NoOperator;

    // What the ECR being answered got, for the check metrics: the decision (null when refused) and the result code.
    private EquipmentStatus? answeredStatus;
    private uint answeredCode;
    private string peerName = "";
    private bool open;

    /// <summary>What the connection does after a message.</summary>
    private enum Next
    {
        Continue,
        Close,
    }

    public void Abort()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var idleTimeout = TimeSpan.FromSeconds(peer.Settings.IdleTimeoutSeconds);
        var filled = 0;
        try
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, idle.Token);
                if (read == 0 || !idle.TryReset())
                {
                    return;
                }

                filled += read;
                var offset = 0;
                var next = Next.Continue;
                while (next == Next.Continue)
                {
                    var frame = DiameterFraming.Frame(buffer.AsSpan(offset, filled - offset), out var header);
                    if (frame == DiameterFrame.Incomplete)
                    {
                        break;
                    }

                    if (frame == DiameterFrame.BadLength)
                    {
                        WriteProtocolError(header, DiameterCodes.InvalidMessageLength, $"The message length {header.Length} is not a multiple of 4 between 20 and {DiameterFraming.MaxMessageLength}.", ReadOnlySpan<byte>.Empty);
                        next = Next.Close;
                        break;
                    }

                    var message = buffer.AsMemory(offset, header.Length);
                    offset += header.Length;
                    if (frame == DiameterFrame.BadVersion)
                    {
                        WriteProtocolError(header, DiameterCodes.UnsupportedVersion, $"Diameter version {header.Version} is not supported; this peer speaks version 1.", ReadOnlySpan<byte>.Empty);
                        continue;
                    }

                    next = open ? Handle(message.Span, header) : await ExchangeCapabilitiesAsync(message, header, stopping);
                }

                if (offset > 0)
                {
                    buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                    filled -= offset;
                }

                if (writer.Length > 0)
                {
                    await socket.SendAsync(writer.Written, SocketFlags.None, stopping);
                    writer.Clear();
                }

                if (next == Next.Close)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            peer.Logger.LogInformation("Diameter S13 peer: {Peer} ({Remote}) sent nothing for {Seconds} s; disconnected", peerName, remote, peer.Settings.IdleTimeoutSeconds);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The host stops, or the peer went away.
        }
        finally
        {
            Abort();
        }
    }

    /// <summary>The first message must be a CER from a configured peer (RFC 6733 5.3); anything else closes the connection.</summary>
    private async ValueTask<Next> ExchangeCapabilitiesAsync(ReadOnlyMemory<byte> message, DiameterHeader header, CancellationToken ct)
    {
        if (header.CommandCode != DiameterCodes.CapabilitiesExchange || !header.IsRequest)
        {
            peer.Logger.LogWarning("Diameter S13 peer: {Remote} sent command {Command} before a capabilities exchange; closed", remote, header.CommandCode);
            return Next.Close;
        }

        var cer = ReadCer(message.Span);
        if (cer.Problem is { } problem)
        {
            WriteCea(header, problem.Code, problem.Message, problem.MissingAvp);
            return Next.Close;
        }

        var configured = peer.Settings.FindPeer(cer.OriginHost!, cer.OriginRealm!);
        if (configured is null)
        {
            peer.Logger.LogWarning("Diameter S13 peer: {Remote} is {OriginHost} ({OriginRealm}), not a configured peer (Eir:Diameter:Peers); refused", remote, cer.OriginHost, cer.OriginRealm);
            WriteCea(header, DiameterCodes.UnknownPeer, $"{cer.OriginHost} ({cer.OriginRealm}) is not a peer of this EIR.", 0);
            return Next.Close;
        }

        if (cer.AdvertisesApplications && !cer.SupportsS13)
        {
            WriteCea(header, DiameterCodes.NoCommonApplication, "This EIR supports S13 (Auth-Application-Id 16777252, vendor 10415) only.", 0);
            return Next.Close;
        }

        var found = await peer.FindOperatorAsync(configured.Operator, ct);
        if (found is null)
        {
            peer.Logger.LogWarning("Diameter S13 peer: {OriginHost} stands for operator {Operator}, which the registry does not have (devreg operator add {Operator}); refused", cer.OriginHost, configured.Operator, configured.Operator);
            WriteCea(header, DiameterCodes.UnknownPeer, $"The operator of {cer.OriginHost} is not in the registry.", 0);
            return Next.Close;
        }

        operatorId = found.Id;
        operatorName = found.Name;
        peerName = configured.OriginHost;
        open = true;
        peer.CountPeerConnected();
        peer.Logger.LogInformation("Diameter S13 peer: {OriginHost} ({OriginRealm}) connected from {Remote} for operator {Operator}", cer.OriginHost, cer.OriginRealm, remote, configured.Operator);
        WriteCea(header, DiameterCodes.Success, null, 0);
        return Next.Continue;
    }

    private readonly record struct Problem(uint Code, string Message, int MissingAvp);

    private readonly record struct Cer(string? OriginHost, string? OriginRealm, bool AdvertisesApplications, bool SupportsS13, Problem? Problem);

    private static Cer ReadCer(ReadOnlySpan<byte> message)
    {
        string? host = null, realm = null;
        bool hostIp = false, vendor = false, product = false, advertises = false, s13 = false;
        var reader = DiameterAvpReader.OfMessage(message);
        while (reader.TryRead(out var avp))
        {
            switch (avp.Code)
            {
                case DiameterCodes.OriginHost when avp.VendorId == 0:
                    host = avp.Utf8();
                    break;
                case DiameterCodes.OriginRealm when avp.VendorId == 0:
                    realm = avp.Utf8();
                    break;
                case DiameterCodes.HostIpAddress:
                    hostIp = true;
                    break;
                case DiameterCodes.VendorId:
                    vendor = true;
                    break;
                case DiameterCodes.ProductName:
                    product = true;
                    break;
                case DiameterCodes.AuthApplicationId or DiameterCodes.AcctApplicationId:
                    advertises = true;
                    s13 |= avp.TryUnsigned32(out var app) && app is DiameterCodes.S13 or DiameterCodes.Relay;
                    break;
                case DiameterCodes.VendorSpecificApplicationId:
                    advertises = true;
                    var inner = new DiameterAvpReader(avp.Data);
                    while (inner.TryRead(out var part))
                    {
                        s13 |= part.Code == DiameterCodes.AuthApplicationId && part.TryUnsigned32(out var id) && id == DiameterCodes.S13;
                    }

                    break;
            }
        }

        Problem? problem = reader.Error != DiameterAvpError.None ? new Problem(DiameterCodes.InvalidAvpLength, $"AVP {reader.FailedCode} has an invalid length.", 0)
            : host is null ? new Problem(DiameterCodes.MissingAvp, "The CER has no Origin-Host.", DiameterCodes.OriginHost)
            : realm is null ? new Problem(DiameterCodes.MissingAvp, "The CER has no Origin-Realm.", DiameterCodes.OriginRealm)
            : !hostIp ? new Problem(DiameterCodes.MissingAvp, "The CER has no Host-IP-Address.", DiameterCodes.HostIpAddress)
            : !vendor ? new Problem(DiameterCodes.MissingAvp, "The CER has no Vendor-Id.", DiameterCodes.VendorId)
            : !product ? new Problem(DiameterCodes.MissingAvp, "The CER has no Product-Name.", DiameterCodes.ProductName)
            : null;
        return new Cer(host, realm, advertises, s13, problem);
    }

    private void WriteCea(DiameterHeader request, uint resultCode, string? error, int missingAvp)
    {
        var protocolError = resultCode is >= 3000 and < 4000;
        var start = writer.BeginMessage(protocolError ? DiameterCodes.FlagError : (byte)0, DiameterCodes.CapabilitiesExchange, 0, request.HopByHop, request.EndToEnd);
        writer.Unsigned32(DiameterCodes.ResultCode, resultCode);
        WriteOrigin();
        var local = localEndPoint is IPEndPoint endpoint ? endpoint.Address : IPAddress.Loopback;
        writer.Address(DiameterCodes.HostIpAddress, local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);
        writer.Unsigned32(DiameterCodes.VendorId, 0);
        writer.Utf8(DiameterCodes.ProductName, ProductName, 0);
        writer.Unsigned32(DiameterCodes.OriginStateId, peer.OriginStateId);
        writer.Unsigned32(DiameterCodes.SupportedVendorId, DiameterCodes.Vendor3Gpp);
        WriteS13Application();
        if (error is not null)
        {
            writer.Utf8(DiameterCodes.ErrorMessage, error, 0);
        }

        if (missingAvp != 0)
        {
            WriteFailedExample(missingAvp, 0);
        }

        writer.EndMessage(start);
    }

    private Next Handle(ReadOnlySpan<byte> message, DiameterHeader header)
    {
        if (!header.IsRequest)
        {
            // Answers to requests this peer never sends (it sends no DWR of its own): nothing to do.
            return Next.Continue;
        }

        switch (header.CommandCode)
        {
            case DiameterCodes.DeviceWatchdog:
                peer.CountWatchdog();
                WriteSimpleAnswer(header);
                return Next.Continue;
            case DiameterCodes.DisconnectPeer:
                peer.Logger.LogInformation("Diameter S13 peer: {Peer} disconnects", peerName);
                WriteSimpleAnswer(header);
                return Next.Close;
            case DiameterCodes.MeIdentityCheck when header.ApplicationId == DiameterCodes.S13:
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                (answeredStatus, answeredCode) = (null, 0);
                MeIdentityCheck(message, header);
                EirCheckMetrics.CountS13(operatorName, answeredStatus, answeredCode);
                EirCheckMetrics.TimeS13(operatorName, started);
                return Next.Continue;
            case DiameterCodes.MeIdentityCheck:
                WriteProtocolError(header, DiameterCodes.ApplicationUnsupported, $"ME-Identity-Check belongs to S13 (application {DiameterCodes.S13}), not application {header.ApplicationId}.", SessionIdOf(message));
                return Next.Continue;
            case DiameterCodes.CapabilitiesExchange:
                WriteProtocolError(header, DiameterCodes.UnableToComply, "Capabilities were already exchanged on this connection.", ReadOnlySpan<byte>.Empty);
                return Next.Continue;
            default:
                WriteProtocolError(header, DiameterCodes.CommandUnsupported, $"Command {header.CommandCode} is not supported by this EIR (S13 ME-Identity-Check, 324).", SessionIdOf(message));
                return Next.Continue;
        }
    }

    /// <summary>DWA or DPA: Result-Code, Origin-Host, Origin-Realm, Origin-State-Id.</summary>
    private void WriteSimpleAnswer(DiameterHeader request)
    {
        var start = writer.BeginMessage(0, request.CommandCode, request.ApplicationId, request.HopByHop, request.EndToEnd);
        writer.Unsigned32(DiameterCodes.ResultCode, DiameterCodes.Success);
        WriteOrigin();
        writer.Unsigned32(DiameterCodes.OriginStateId, peer.OriginStateId);
        writer.EndMessage(start);
    }

    /// <summary>
    /// ECR → ECA (TS 29.272 5.2.4, 7.2.19–20): the IMEI of Terminal-Information (14 digits, or 15 with the check
    /// digit; keyed on the first 14) and the IMSI of User-Name, answered by <see cref="EirChecker.Check"/> exactly as the
    /// N5g-eir endpoint answers, with the peer's operator.
    /// </summary>
    private void MeIdentityCheck(ReadOnlySpan<byte> message, DiameterHeader header)
    {
        ReadOnlySpan<byte> sessionId = default, imei = default, imsi = default;
        bool hasSession = false, hasAuthState = false, hasOriginHost = false, hasOriginRealm = false, hasDestinationRealm = false, hasTerminal = false, hasImei = false;
        var reader = DiameterAvpReader.OfMessage(message);
        while (reader.TryRead(out var avp))
        {
            if (avp.VendorId == 0)
            {
                switch (avp.Code)
                {
                    case DiameterCodes.SessionId:
                        sessionId = avp.Data;
                        hasSession = true;
                        break;
                    case DiameterCodes.AuthSessionState:
                        if (!avp.TryUnsigned32(out var state))
                        {
                            WriteEcaFailure(header, sessionId, DiameterCodes.InvalidAvpLength, "Auth-Session-State is an Enumerated of 4 bytes.", avp);
                            return;
                        }

                        if (state > 1)
                        {
                            WriteEcaFailure(header, sessionId, DiameterCodes.InvalidAvpValue, $"Auth-Session-State {state} is neither STATE_MAINTAINED (0) nor NO_STATE_MAINTAINED (1).", avp);
                            return;
                        }

                        hasAuthState = true;
                        break;
                    case DiameterCodes.OriginHost:
                        hasOriginHost = true;
                        break;
                    case DiameterCodes.OriginRealm:
                        hasOriginRealm = true;
                        break;
                    case DiameterCodes.DestinationRealm:
                        hasDestinationRealm = true;
                        break;
                    case DiameterCodes.UserName:
                        if (avp.Data.Length is < 5 or > 15 || !AllDigits(avp.Data))
                        {
                            WriteEcaFailure(header, sessionId, DiameterCodes.InvalidAvpValue, "User-Name must be the IMSI: 5 to 15 digits.", avp);
                            return;
                        }

                        imsi = avp.Data;
                        break;
                    case DiameterCodes.DestinationHost or DiameterCodes.VendorSpecificApplicationId or DiameterCodes.RouteRecord
                        or DiameterCodes.ProxyInfo or DiameterCodes.Drmp:
                        break;
                    default:
                        if (UnsupportedMandatory(header, sessionId, avp))
                        {
                            return;
                        }

                        break;
                }
            }
            else if (avp.Code == DiameterCodes.TerminalInformation && avp.VendorId == DiameterCodes.Vendor3Gpp)
            {
                hasTerminal = true;
                var inner = new DiameterAvpReader(avp.Data);
                while (inner.TryRead(out var part))
                {
                    if (part.VendorId != DiameterCodes.Vendor3Gpp
                        || part.Code is not (DiameterCodes.Imei or DiameterCodes.SoftwareVersion or DiameterCodes.Meid))
                    {
                        if (UnsupportedMandatory(header, sessionId, part))
                        {
                            return;
                        }

                        continue;
                    }

                    if (part.Code == DiameterCodes.Imei)
                    {
                        if (part.Data.Length is not (14 or 15) || !AllDigits(part.Data))
                        {
                            WriteEcaFailure(header, sessionId, DiameterCodes.InvalidAvpValue, "IMEI must be 14 digits (TAC and SNR), or 15 with the check digit.", part);
                            return;
                        }

                        imei = part.Data;
                        hasImei = true;
                    }
                    else if (part.Code == DiameterCodes.SoftwareVersion && (part.Data.Length != 2 || !AllDigits(part.Data)))
                    {
                        WriteEcaFailure(header, sessionId, DiameterCodes.InvalidAvpValue, "Software-Version must be 2 digits.", part);
                        return;
                    }
                }

                if (inner.Error != DiameterAvpError.None)
                {
                    WriteEcaInvalidLength(header, sessionId, inner.FailedCode, inner.FailedFlags, inner.FailedVendor, inner.FailedData);
                    return;
                }
            }
            else if (!(avp.Code == DiameterCodes.SupportedFeatures && avp.VendorId == DiameterCodes.Vendor3Gpp)
                && UnsupportedMandatory(header, sessionId, avp))
            {
                return;
            }
        }

        if (reader.Error != DiameterAvpError.None)
        {
            WriteEcaInvalidLength(header, sessionId, reader.FailedCode, reader.FailedFlags, reader.FailedVendor, reader.FailedData);
            return;
        }

        var missing = !hasSession ? (DiameterCodes.SessionId, "Session-Id", 0u)
            : !hasAuthState ? (DiameterCodes.AuthSessionState, "Auth-Session-State", 0u)
            : !hasOriginHost ? (DiameterCodes.OriginHost, "Origin-Host", 0u)
            : !hasOriginRealm ? (DiameterCodes.OriginRealm, "Origin-Realm", 0u)
            : !hasDestinationRealm ? (DiameterCodes.DestinationRealm, "Destination-Realm", 0u)
            : !hasTerminal ? (DiameterCodes.TerminalInformation, "Terminal-Information", DiameterCodes.Vendor3Gpp)
            : !hasImei ? (DiameterCodes.Imei, "the IMEI of Terminal-Information", DiameterCodes.Vendor3Gpp)
            : (0, "", 0u);
        if (missing.Item1 != 0)
        {
            answeredCode = DiameterCodes.MissingAvp;
            var start = BeginEca(header, sessionId);
            writer.Unsigned32(DiameterCodes.ResultCode, DiameterCodes.MissingAvp);
            EndEcaCommon();
            writer.Utf8(DiameterCodes.ErrorMessage, $"The ECR has no {missing.Item2}.", 0);
            WriteFailedExample(missing.Item1, missing.Item3);
            writer.EndMessage(start);
            return;
        }

        var shed = peer.Admission.Decide(operatorId, 1, out _);
        if (shed == EirShedReason.OperatorRate)
        {
            WriteEcaResult(header, sessionId, DiameterCodes.UnableToComply, "This operator sends more checks per second than Eir:MaxChecksPerOperatorPerSecond allows.");
            return;
        }

        if (shed != EirShedReason.None)
        {
            WriteProtocolError(header, DiameterCodes.TooBusy, "The EIR is shedding load; send the check to another EIR or retry later.", sessionId);
            return;
        }

        var checker = peer.Checker;
        if (!checker.IsReady)
        {
            WriteProtocolError(header, DiameterCodes.TooBusy, "The EIR decision index is still loading.", sessionId);
            return;
        }

        var query = new EirQuery(ImeiKey(imei), imsi.IsEmpty ? null : System.Text.Encoding.ASCII.GetString(imsi), null);
        EirDecision decision;
        try
        {
            decision = checker.Check(query, operatorId);
        }
        catch (EirSightingNotQueuedException)
        {
            peer.Admission.CountNotQueued();
            WriteProtocolError(header, DiameterCodes.TooBusy, "The check's sighting could not be queued; retry later.", sessionId);
            return;
        }

        answeredStatus = decision.Status;
        answeredCode = decision.Status == EquipmentStatus.Unknown ? DiameterCodes.ErrorEquipmentUnknown : DiameterCodes.Success;
        var eca = BeginEca(header, sessionId);
        if (decision.Status == EquipmentStatus.Unknown)
        {
            var group = writer.BeginGrouped(DiameterCodes.ExperimentalResult);
            writer.Unsigned32(DiameterCodes.VendorId, DiameterCodes.Vendor3Gpp);
            writer.Unsigned32(DiameterCodes.ExperimentalResultCode, DiameterCodes.ErrorEquipmentUnknown);
            writer.EndGrouped(group);
            EndEcaCommon();
        }
        else
        {
            writer.Unsigned32(DiameterCodes.ResultCode, DiameterCodes.Success);
            EndEcaCommon();
            writer.Unsigned32(DiameterCodes.EquipmentStatus, decision.Status switch
            {
                EquipmentStatus.Whitelisted => 0u,
                EquipmentStatus.Blacklisted => 1u,
                _ => 2u,
            }, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
        }

        writer.EndMessage(eca);
    }

    /// <summary>The ECA's start: Session-Id echoed, then Vendor-Specific-Application-Id (TS 29.272 7.2.20 order).</summary>
    private int BeginEca(DiameterHeader request, ReadOnlySpan<byte> sessionId)
    {
        var start = writer.BeginMessage((byte)(request.Flags & DiameterCodes.FlagProxiable), DiameterCodes.MeIdentityCheck, DiameterCodes.S13, request.HopByHop, request.EndToEnd);
        if (!sessionId.IsEmpty)
        {
            writer.Avp(DiameterCodes.SessionId, sessionId);
        }

        WriteS13Application();
        return start;
    }

    /// <summary>After the result: Auth-Session-State NO_STATE_MAINTAINED, Origin-Host, Origin-Realm.</summary>
    private void EndEcaCommon()
    {
        writer.Unsigned32(DiameterCodes.AuthSessionState, DiameterCodes.NoStateMaintained);
        WriteOrigin();
    }

    /// <summary>
    /// An AVP the ECR's grammar (TS 29.272 7.2.19) does not name, or a Terminal-Information part other than IMEI,
    /// Software-Version and 3GPP2-MEID: ignored without the M bit, answered 5001 DIAMETER_AVP_UNSUPPORTED with it
    /// (RFC 6733 4.1: a receiver must not accept a mandatory AVP it does not understand). True when answered.
    /// </summary>
    private bool UnsupportedMandatory(DiameterHeader header, ReadOnlySpan<byte> sessionId, DiameterAvp avp)
    {
        if ((avp.Flags & DiameterCodes.AvpMandatory) == 0)
        {
            return false;
        }

        WriteEcaFailure(header, sessionId, DiameterCodes.AvpUnsupported,
            $"AVP {avp.Code} (vendor {avp.VendorId}) has the M bit but is not one an ME-Identity-Check carries.", avp);
        return true;
    }

    private void WriteEcaResult(DiameterHeader request, ReadOnlySpan<byte> sessionId, uint resultCode, string error)
    {
        answeredCode = resultCode;
        var start = BeginEca(request, sessionId);
        writer.Unsigned32(DiameterCodes.ResultCode, resultCode);
        EndEcaCommon();
        writer.Utf8(DiameterCodes.ErrorMessage, error, 0);
        writer.EndMessage(start);
    }

    private void WriteEcaFailure(DiameterHeader request, ReadOnlySpan<byte> sessionId, uint resultCode, string error, DiameterAvp offending)
    {
        answeredCode = resultCode;
        var start = BeginEca(request, sessionId);
        writer.Unsigned32(DiameterCodes.ResultCode, resultCode);
        EndEcaCommon();
        writer.Utf8(DiameterCodes.ErrorMessage, error, 0);
        var failed = writer.BeginGrouped(DiameterCodes.FailedAvp);
        writer.Avp(offending.Code, offending.Data, (byte)(offending.Flags & DiameterCodes.AvpMandatory), offending.VendorId);
        writer.EndGrouped(failed);
        writer.EndMessage(start);
    }

    private void WriteEcaInvalidLength(DiameterHeader request, ReadOnlySpan<byte> sessionId, int code, byte flags, uint vendor, ReadOnlySpan<byte> data)
    {
        answeredCode = DiameterCodes.InvalidAvpLength;
        var start = BeginEca(request, sessionId);
        writer.Unsigned32(DiameterCodes.ResultCode, DiameterCodes.InvalidAvpLength);
        EndEcaCommon();
        writer.Utf8(DiameterCodes.ErrorMessage, $"AVP {code} has a length under its header or past the end of what holds it.", 0);
        var failed = writer.BeginGrouped(DiameterCodes.FailedAvp);
        writer.Avp(code, data, (byte)(flags & DiameterCodes.AvpMandatory), vendor);
        writer.EndGrouped(failed);
        writer.EndMessage(start);
    }

    /// <summary>
    /// A protocol error (3xxx, E bit) or a framing error, in the answer-message form (RFC 6733 7.2): Session-Id when
    /// known, Origin-Host, Origin-Realm, Result-Code, Error-Message.
    /// </summary>
    private void WriteProtocolError(DiameterHeader request, uint resultCode, string error, ReadOnlySpan<byte> sessionId)
    {
        answeredCode = resultCode;
        var start = writer.BeginMessage((byte)(DiameterCodes.FlagError | (request.Flags & DiameterCodes.FlagProxiable)), request.CommandCode, request.ApplicationId, request.HopByHop, request.EndToEnd);
        if (!sessionId.IsEmpty)
        {
            writer.Avp(DiameterCodes.SessionId, sessionId);
        }

        WriteOrigin();
        writer.Unsigned32(DiameterCodes.ResultCode, resultCode);
        writer.Utf8(DiameterCodes.ErrorMessage, error, 0);
        writer.EndMessage(start);
    }

    /// <summary>Failed-AVP holding an example of a missing AVP: its code and vendor with zeroed data of the minimum length (RFC 6733 7.5).</summary>
    private void WriteFailedExample(int code, uint vendor)
    {
        Span<byte> zeros = stackalloc byte[4];
        zeros.Clear();
        var failed = writer.BeginGrouped(DiameterCodes.FailedAvp);
        var isGroupedOrText = code is DiameterCodes.TerminalInformation or DiameterCodes.SessionId or DiameterCodes.OriginHost
            or DiameterCodes.OriginRealm or DiameterCodes.DestinationRealm or DiameterCodes.Imei or DiameterCodes.ProductName;
        writer.Avp(code, isGroupedOrText ? ReadOnlySpan<byte>.Empty : code == DiameterCodes.HostIpAddress ? zeros[..2] : zeros, DiameterCodes.AvpMandatory, vendor);
        writer.EndGrouped(failed);
    }

    private void WriteOrigin()
    {
        writer.Utf8(DiameterCodes.OriginHost, peer.Settings.OriginHost!);
        writer.Utf8(DiameterCodes.OriginRealm, peer.Settings.OriginRealm!);
    }

    private void WriteS13Application()
    {
        var group = writer.BeginGrouped(DiameterCodes.VendorSpecificApplicationId);
        writer.Unsigned32(DiameterCodes.VendorId, DiameterCodes.Vendor3Gpp);
        writer.Unsigned32(DiameterCodes.AuthApplicationId, DiameterCodes.S13);
        writer.EndGrouped(group);
    }

    private static ReadOnlySpan<byte> SessionIdOf(ReadOnlySpan<byte> message)
    {
        var reader = DiameterAvpReader.OfMessage(message);
        while (reader.TryRead(out var avp))
        {
            if (avp.Code == DiameterCodes.SessionId && avp.VendorId == 0)
            {
                return avp.Data;
            }
        }

        return default;
    }

    private static bool AllDigits(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The 14-digit IMEI key (TAC and SNR) of 14 or 15 ASCII digits.</summary>
    private static long ImeiKey(ReadOnlySpan<byte> digits)
    {
        long key = 0;
        for (var i = 0; i < 14; i++)
        {
            key = (key * 10) + (digits[i] - '0');
        }

        return key;
    }
}
