using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace DeviceRegistry.Eir.Diameter;

/// <summary>A Diameter message header (RFC 6733 3): version, 24-bit length, flags, 24-bit command, application, hop-by-hop and end-to-end ids.</summary>
public readonly record struct DiameterHeader(byte Version, int Length, byte Flags, int CommandCode, uint ApplicationId, uint HopByHop, uint EndToEnd)
{
    public bool IsRequest => (Flags & DiameterCodes.FlagRequest) != 0;

    public bool IsError => (Flags & DiameterCodes.FlagError) != 0;

    public static DiameterHeader Read(ReadOnlySpan<byte> bytes) => new(
        bytes[0],
        (bytes[1] << 16) | (bytes[2] << 8) | bytes[3],
        bytes[4],
        (bytes[5] << 16) | (bytes[6] << 8) | bytes[7],
        BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]),
        BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
}

/// <summary>What the start of a byte stream holds.</summary>
public enum DiameterFrame
{
    /// <summary>Not yet a whole message: read more.</summary>
    Incomplete,

    /// <summary>A whole message of <see cref="DiameterHeader.Length"/> bytes, version 1.</summary>
    Complete,

    /// <summary>A whole message of another version than 1: answered DIAMETER_UNSUPPORTED_VERSION (5011) and skipped.</summary>
    BadVersion,

    /// <summary>A length under 20, not a multiple of 4 or over the limit: DIAMETER_INVALID_MESSAGE_LENGTH (5015); the stream cannot be framed past it.</summary>
    BadLength,
}

/// <summary>Why an AVP could not be read (RFC 6733 7.1.5).</summary>
public enum DiameterAvpError
{
    None,

    /// <summary>An AVP length under its header's size, or past the end of what holds it: DIAMETER_INVALID_AVP_LENGTH (5014).</summary>
    InvalidLength,
}

/// <summary>Splitting a byte stream into Diameter messages.</summary>
public static class DiameterFraming
{
    /// <summary>The largest message accepted (an S13 request is under 400 bytes; a CER under 1 KiB).</summary>
    public const int MaxMessageLength = 65_536;

    /// <summary>Looks at the start of <paramref name="buffer"/>: a whole message, not yet one, or one that cannot be read.</summary>
    public static DiameterFrame Frame(ReadOnlySpan<byte> buffer, out DiameterHeader header)
    {
        header = default;
        if (buffer.Length < DiameterCodes.HeaderLength)
        {
            return DiameterFrame.Incomplete;
        }

        header = DiameterHeader.Read(buffer);
        if (header.Length < DiameterCodes.HeaderLength || (header.Length & 3) != 0 || header.Length > MaxMessageLength)
        {
            return DiameterFrame.BadLength;
        }

        if (buffer.Length < header.Length)
        {
            return DiameterFrame.Incomplete;
        }

        return header.Version == DiameterCodes.Version ? DiameterFrame.Complete : DiameterFrame.BadVersion;
    }
}

/// <summary>One AVP (RFC 6733 4.1) as it lies in a message: its code, flags, vendor (0 without the V bit) and data, no copy.</summary>
public readonly ref struct DiameterAvp
{
    public DiameterAvp(int code, byte flags, uint vendorId, ReadOnlySpan<byte> data)
    {
        Code = code;
        Flags = flags;
        VendorId = vendorId;
        Data = data;
    }

    public int Code { get; }

    public byte Flags { get; }

    public uint VendorId { get; }

    public ReadOnlySpan<byte> Data { get; }

    public bool IsMandatory => (Flags & DiameterCodes.AvpMandatory) != 0;

    /// <summary>The AVP's value as Unsigned32/Enumerated, or false when its data is not 4 bytes.</summary>
    public bool TryUnsigned32(out uint value)
    {
        value = 0;
        if (Data.Length != 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(Data);
        return true;
    }

    /// <summary>The AVP's bytes as UTF-8 text (an allocation: for identities and the session id, not per-check digits).</summary>
    public string Utf8() => Encoding.UTF8.GetString(Data);

    /// <summary>Whether the data is the ASCII text <paramref name="text"/>, ignoring case (DiameterIdentity compares so).</summary>
    public bool EqualsAsciiIgnoreCase(string text)
    {
        if (Data.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.ToLowerInvariant((char)Data[i]) != char.ToLowerInvariant(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Reads the AVPs of a message body or of a grouped AVP's data one after the other, in place. An AVP whose
/// length is under its header or runs past the end stops the reading with <see cref="DiameterAvpError.InvalidLength"/>;
/// <see cref="FailedCode"/>, <see cref="FailedFlags"/>, <see cref="FailedVendor"/> and <see cref="FailedData"/> then
/// describe it for the answer's Failed-AVP.
/// </summary>
public ref struct DiameterAvpReader
{
    private readonly ReadOnlySpan<byte> data;
    private int offset;

    public DiameterAvpReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
    }

    /// <summary>The AVPs of a whole message (after its 20-byte header).</summary>
    public static DiameterAvpReader OfMessage(ReadOnlySpan<byte> message) => new(message[DiameterCodes.HeaderLength..]);

    public DiameterAvpError Error { get; private set; }

    public int FailedCode { get; private set; }

    public byte FailedFlags { get; private set; }

    public uint FailedVendor { get; private set; }

    public ReadOnlySpan<byte> FailedData { get; private set; }

    /// <summary>The next AVP; false at the end (<see cref="Error"/> None) or on a malformed one.</summary>
    public bool TryRead(out DiameterAvp avp)
    {
        avp = default;
        var rest = data.Length - offset;
        if (rest == 0 || Error != DiameterAvpError.None)
        {
            return false;
        }

        var span = data[offset..];
        if (rest < DiameterCodes.AvpHeaderLength)
        {
            return Fail(rest >= 4 ? BinaryPrimitives.ReadInt32BigEndian(span) : 0, rest >= 5 ? span[4] : (byte)0, 0, []);
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(span);
        var flags = span[4];
        var length = (span[5] << 16) | (span[6] << 8) | span[7];
        var vendorBit = (flags & DiameterCodes.AvpVendor) != 0;
        var headerLength = vendorBit ? DiameterCodes.VendorAvpHeaderLength : DiameterCodes.AvpHeaderLength;
        var vendor = vendorBit && rest >= DiameterCodes.VendorAvpHeaderLength ? BinaryPrimitives.ReadUInt32BigEndian(span[8..]) : 0;
        if (length < headerLength || length > rest || rest < headerLength)
        {
            var available = Math.Clamp(Math.Min(length, rest) - headerLength, 0, Math.Max(0, rest - headerLength));
            return Fail(code, flags, vendor, rest > headerLength ? span.Slice(headerLength, available) : []);
        }

        avp = new DiameterAvp(code, flags, vendor, span[headerLength..length]);
        var padded = (length + 3) & ~3;
        offset += Math.Min(padded, rest);
        return true;
    }

    private bool Fail(int code, byte flags, uint vendor, ReadOnlySpan<byte> failedData)
    {
        Error = DiameterAvpError.InvalidLength;
        FailedCode = code;
        FailedFlags = flags;
        FailedVendor = vendor;
        FailedData = failedData;
        return false;
    }
}

/// <summary>
/// Writes Diameter messages into one reusable buffer (grown when needed, never shrunk): a connection keeps one and
/// writes every answer of a read into it before one socket write. Lengths are patched when a message or a grouped
/// AVP ends; AVP data is padded to 4 bytes with zeros.
/// </summary>
public sealed class DiameterWriter(int capacity = 4096)
{
    private byte[] buffer = new byte[capacity];
    private int length;

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, length);

    public int Length => length;

    public void Clear() => length = 0;

    /// <summary>Starts a message; returns its start for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(byte flags, int commandCode, uint applicationId, uint hopByHop, uint endToEnd)
    {
        var start = length;
        var span = Reserve(DiameterCodes.HeaderLength);
        span[0] = DiameterCodes.Version;
        span[4] = flags;
        span[5] = (byte)(commandCode >> 16);
        span[6] = (byte)(commandCode >> 8);
        span[7] = (byte)commandCode;
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], applicationId);
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], hopByHop);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], endToEnd);
        return start;
    }

    public void EndMessage(int start) => PatchLength(start + 1, length - start);

    /// <summary>Starts a grouped AVP; returns its start for <see cref="EndGrouped"/>.</summary>
    public int BeginGrouped(int code, byte flags = DiameterCodes.AvpMandatory, uint vendorId = 0)
    {
        var start = length;
        WriteAvpHeader(code, flags, vendorId, 0);
        return start;
    }

    public void EndGrouped(int start) => PatchLength(start + 5, length - start);

    /// <summary>An AVP with raw data (OctetString), padded.</summary>
    public void Avp(int code, ReadOnlySpan<byte> data, byte flags = DiameterCodes.AvpMandatory, uint vendorId = 0)
    {
        WriteAvpHeader(code, flags, vendorId, data.Length);
        var span = Reserve((data.Length + 3) & ~3);
        data.CopyTo(span);
        span[data.Length..].Clear();
    }

    /// <summary>An Unsigned32 or Enumerated AVP.</summary>
    public void Unsigned32(int code, uint value, byte flags = DiameterCodes.AvpMandatory, uint vendorId = 0)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(data, value);
        Avp(code, data, flags, vendorId);
    }

    /// <summary>A UTF8String or DiameterIdentity AVP, encoded straight into the buffer.</summary>
    public void Utf8(int code, string value, byte flags = DiameterCodes.AvpMandatory, uint vendorId = 0)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteAvpHeader(code, flags, vendorId, byteCount);
        var padded = (byteCount + 3) & ~3;
        var span = Reserve(padded);
        Encoding.UTF8.GetBytes(value, span);
        span[byteCount..].Clear();
    }

    /// <summary>An Address AVP (RFC 6733 4.3.1): address family 1 (IPv4) or 2 (IPv6), then the address.</summary>
    public void Address(int code, IPAddress address, byte flags = DiameterCodes.AvpMandatory)
    {
        Span<byte> data = stackalloc byte[18];
        var family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 2 : 1;
        BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)family);
        address.TryWriteBytes(data[2..], out var written);
        Avp(code, data[..(2 + written)], flags);
    }

    private void WriteAvpHeader(int code, byte flags, uint vendorId, int dataLength)
    {
        var vendor = vendorId != 0 ? DiameterCodes.AvpVendor : (byte)0;
        flags = (byte)((flags & ~DiameterCodes.AvpVendor) | vendor);
        var headerLength = vendorId != 0 ? DiameterCodes.VendorAvpHeaderLength : DiameterCodes.AvpHeaderLength;
        var start = length;
        var span = Reserve(headerLength);
        BinaryPrimitives.WriteInt32BigEndian(span, code);
        span[4] = flags;
        if (vendorId != 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[8..], vendorId);
        }

        PatchLength(start + 5, headerLength + dataLength);
    }

    private void PatchLength(int at, int value)
    {
        buffer[at] = (byte)(value >> 16);
        buffer[at + 1] = (byte)(value >> 8);
        buffer[at + 2] = (byte)value;
    }

    private Span<byte> Reserve(int count)
    {
        if (length + count > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + count));
        }

        var span = buffer.AsSpan(length, count);
        length += count;
        return span;
    }
}
