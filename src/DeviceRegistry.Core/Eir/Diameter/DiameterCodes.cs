namespace DeviceRegistry.Eir.Diameter;

/// <summary>The Diameter numbers the EIR uses: RFC 6733 (base protocol) and 3GPP TS 29.272 (S13).</summary>
public static class DiameterCodes
{
    public const byte Version = 1;
    public const int HeaderLength = 20;
    public const int AvpHeaderLength = 8;
    public const int VendorAvpHeaderLength = 12;

    // Header flags (RFC 6733 3).
    public const byte FlagRequest = 0x80;
    public const byte FlagProxiable = 0x40;
    public const byte FlagError = 0x20;
    public const byte FlagRetransmitted = 0x10;

    // AVP flags (RFC 6733 4.1).
    public const byte AvpVendor = 0x80;
    public const byte AvpMandatory = 0x40;

    // Commands.
    public const int CapabilitiesExchange = 257;
    public const int DeviceWatchdog = 280;
    public const int DisconnectPeer = 282;
    public const int MeIdentityCheck = 324;

    // Applications and vendor.
    public const uint CommonMessages = 0;
    public const uint S13 = 16777252;
    public const uint Relay = 0xffffffff;
    public const uint Vendor3Gpp = 10415;

    // Base AVPs (RFC 6733 4.5).
    public const int SessionId = 263;
    public const int OriginHost = 264;
    public const int OriginRealm = 296;
    public const int DestinationHost = 293;
    public const int DestinationRealm = 283;
    public const int HostIpAddress = 257;
    public const int VendorId = 266;
    public const int ProductName = 269;
    public const int OriginStateId = 278;
    public const int SupportedVendorId = 265;
    public const int AuthApplicationId = 258;
    public const int AcctApplicationId = 259;
    public const int VendorSpecificApplicationId = 260;
    public const int InbandSecurityId = 299;
    public const int FirmwareRevision = 267;
    public const int ResultCode = 268;
    public const int ExperimentalResult = 297;
    public const int ExperimentalResultCode = 298;
    public const int ErrorMessage = 281;
    public const int FailedAvp = 279;
    public const int AuthSessionState = 277;
    public const int DisconnectCause = 273;
    public const int UserName = 1;
    public const int RouteRecord = 282;
    public const int ProxyInfo = 284;
    public const int Drmp = 301;

    // S13 AVPs (TS 29.272 7.3), vendor 10415.
    public const int TerminalInformation = 1401;
    public const int Imei = 1402;
    public const int SoftwareVersion = 1403;
    public const int Meid = 1471;
    public const int SupportedFeatures = 628;
    public const int EquipmentStatus = 1445;

    // Result codes (RFC 6733 7.1; TS 29.272 7.4).
    public const uint Success = 2001;
    public const uint CommandUnsupported = 3001;
    public const uint TooBusy = 3004;
    public const uint InvalidHeaderBits = 3008;
    public const uint InvalidAvpBits = 3009;
    public const uint UnknownPeer = 3010;
    public const uint ApplicationUnsupported = 3007;
    public const uint AvpUnsupported = 5001;
    public const uint InvalidAvpValue = 5004;
    public const uint MissingAvp = 5005;
    public const uint AvpOccursTooManyTimes = 5009;
    public const uint NoCommonApplication = 5010;
    public const uint UnsupportedVersion = 5011;
    public const uint UnableToComply = 5012;
    public const uint InvalidAvpLength = 5014;
    public const uint InvalidMessageLength = 5015;
    public const uint ErrorEquipmentUnknown = 5422;

    /// <summary>Auth-Session-State NO_STATE_MAINTAINED, as S13 uses.</summary>
    public const uint NoStateMaintained = 1;
}
