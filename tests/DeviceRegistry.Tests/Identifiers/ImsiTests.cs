using DeviceRegistry.Identifiers;
using DeviceRegistry.Sightings;

namespace DeviceRegistry.Tests.Identifiers;

public sealed class ImsiTests
{
    private static readonly HomeNetworks AzerbaijanHome = new(new DeviceRegistry.Infrastructure.RegistrySettings());

    [Theory]
    [InlineData("400011234567890", "01")] // Azercell
    [InlineData("400021234567890", "02")] // Bakcell
    [InlineData("400041234567890", "04")] // Nar
    [InlineData("400061234567890", "06")] // Naxtel
    public void Azerbaijani_imsis_are_home_network_with_a_two_digit_mnc(string text, string mnc)
    {
        var imsi = Imsi.Parse(text);

        Assert.Equal(400, imsi.Mcc);
        Assert.Equal(mnc, imsi.Mnc);
        Assert.True(AzerbaijanHome.IsHome(text));
        Assert.True(AzerbaijanHome.IsHome(PackedDigits.FromText(text).Value, text.Length));
        Assert.True(new HomeNetworks([text[..5]]).IsHome(text));
    }

    [Theory]
    [InlineData("250011234567890", 250, "01")] // Russia, MTS
    [InlineData("286011234567890", 286, "01")] // Turkey, Turkcell
    [InlineData("282011234567890", 282, "01")] // Georgia
    [InlineData("310260123456789", 310, "260")] // USA: three-digit MNC
    [InlineData("311480123456789", 311, "480")]
    public void Other_countries_are_roamers(string text, int mcc, string mnc)
    {
        var imsi = Imsi.Parse(text);

        Assert.Equal(mcc, imsi.Mcc);
        Assert.Equal(mnc, imsi.Mnc);
        Assert.False(AzerbaijanHome.IsHome(text));
        Assert.False(AzerbaijanHome.IsHome(PackedDigits.FromText(text).Value, text.Length));
    }

    [Fact]
    public void An_mcc_that_merely_contains_400_is_not_home()
    {
        Assert.False(AzerbaijanHome.IsHome("240011234567890"));
        Assert.False(AzerbaijanHome.IsHome("540040012345"));
        Assert.False(AzerbaijanHome.IsHome("40"));
        Assert.False(AzerbaijanHome.IsHome(PackedDigits.FromText("540040012345").Value, 12));
        // One operator's prefix: another operator of the same country is not home.
        Assert.False(new HomeNetworks(["40001"]).IsHome("400021234567890"));
        Assert.False(new HomeNetworks(["40001"]).IsHome(PackedDigits.FromText("400021234567890").Value, 15));
    }

    [Theory]
    [InlineData("400011")]
    [InlineData("400011234567890")]
    [InlineData("004011234567890")]
    public void Six_to_fifteen_digits_are_accepted_and_leading_zeros_kept(string text)
    {
        Assert.True(Imsi.TryParse(text, out var imsi, out var problem));
        Assert.Equal(ImsiProblem.None, problem);
        Assert.Equal(text, imsi.ToString());
    }

    [Theory]
    [InlineData("", ImsiProblem.Empty)]
    [InlineData("40001", ImsiProblem.WrongLength)]
    [InlineData("4000112345678901", ImsiProblem.WrongLength)]
    [InlineData("40001234567890x", ImsiProblem.NotDigits)]
    [InlineData("400 01 234567890", ImsiProblem.NotDigits)]
    [InlineData("imsi-400011234567890", ImsiProblem.NotDigits)]
    public void Bad_imsis_are_refused_with_the_reason(string text, ImsiProblem expected)
    {
        Assert.False(Imsi.TryParse(text, out _, out var problem));
        Assert.Equal(expected, problem);
        var ex = Assert.Throws<FormatException>(() => Imsi.Parse(text));
        Assert.Contains(Imsi.Describe(expected), ex.Message, StringComparison.Ordinal);
    }
}
