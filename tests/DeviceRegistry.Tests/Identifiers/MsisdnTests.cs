using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Tests.Identifiers;

public sealed class MsisdnTests
{
    [Theory]
    [InlineData("994501234567")]
    [InlineData("+994501234567")]
    [InlineData("+994 50 123 45 67")]
    [InlineData("+994 (50) 123-45-67")]
    [InlineData("00994501234567")]
    [InlineData("050 123 45 67")]
    [InlineData("(050) 123-45-67")]
    [InlineData("0501234567")]
    [InlineData("  +994.50.123.45.67  ")]
    [InlineData("+994 (0)50 123 45 67")]
    [InlineData("00994 050 123 45 67")]
    public void Every_way_of_writing_an_azercell_number_gives_the_same_e164_digits(string text)
    {
        Assert.True(Msisdn.TryNormalize(text, out var normalized));
        Assert.Equal("994501234567", normalized);
    }

    [Theory]
    [InlineData("+7 912 345-67-89", "79123456789")]
    [InlineData("0090 532 123 45 67", "905321234567")]
    [InlineData("12345", "12345")]
    [InlineData("123456789012345", "123456789012345")]
    public void Foreign_and_short_numbers_keep_their_digits(string text, string expected)
    {
        Assert.True(Msisdn.TryNormalize(text, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1234")]
    [InlineData("1234567890123456")]
    [InlineData("+994 50 123 45 6x")]
    [InlineData("994+501234567")]
    [InlineData("msisdn-994501234567")]
    [InlineData("00123")]
    [InlineData("+99450123456789012345678901")]
    public void What_is_not_five_to_fifteen_digits_is_refused(string text)
    {
        Assert.False(Msisdn.TryNormalize(text, out var normalized));
        Assert.Equal(string.Empty, normalized);
    }
}
