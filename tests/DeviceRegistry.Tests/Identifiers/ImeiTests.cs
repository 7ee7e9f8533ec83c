using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Tests.Identifiers;

public sealed class ImeiTests
{
    [Theory]
    [InlineData("490154203237518", "49015420323751", "49015420")]
    [InlineData("260531793113837", "26053179311383", "26053179")]
    [InlineData("357613004448485", "35761300444848", "35761300")]
    [InlineData("352936001349777", "35293600134977", "35293600")]
    public void A_valid_15_digit_imei_is_keyed_on_its_first_14_digits(string text, string key, string tac)
    {
        Assert.True(Imei.TryParseFromPerson(text, out var fromPerson, out var personProblem));
        Assert.True(Imei.TryParseFromNetwork(text, out var fromNetwork, out var networkProblem));

        Assert.Equal(ImeiProblem.None, personProblem);
        Assert.Equal(ImeiProblem.None, networkProblem);
        Assert.Equal(fromPerson, fromNetwork);
        Assert.Equal(key, fromPerson.ToString());
        Assert.Equal(tac, fromPerson.TacText);
        Assert.Equal(text, fromPerson.WithCheckDigit);
    }

    [Theory]
    [InlineData("357613004448480")]
    [InlineData("357613004448405")]
    public void A_person_typed_imei_with_a_wrong_check_digit_is_refused(string text)
    {
        Assert.False(Imei.TryParseFromPerson(text, out _, out var problem));
        Assert.Equal(ImeiProblem.CheckDigit, problem);
    }

    [Fact]
    public void A_network_imei_whose_check_digit_was_sent_as_0_is_accepted_with_the_same_key()
    {
        // Networks transmit the spare digit as 0: 357613004448480 is 357613004448485's device.
        Assert.True(Imei.TryParseFromNetwork("357613004448480", out var sentWithZero, out _));
        var genuine = Imei.ParseFromNetwork("357613004448485");

        Assert.Equal(genuine, sentWithZero);
        Assert.Equal("357613004448485", sentWithZero.WithCheckDigit);
    }

    [Fact]
    public void Every_check_digit_from_the_network_maps_to_the_same_device()
    {
        var keys = Enumerable.Range(0, 10)
            .Select(d => Imei.ParseFromNetwork("35761300444848" + d))
            .Distinct()
            .ToList();

        Assert.Single(keys);
    }

    [Fact]
    public void Fourteen_digits_without_a_check_digit_are_accepted_from_both_sources()
    {
        Assert.True(Imei.TryParseFromNetwork("49015420323751", out var network, out _));
        Assert.True(Imei.TryParseFromPerson("49015420323751", out var person, out _));

        Assert.Equal(network, person);
        Assert.Equal("490154203237518", person.WithCheckDigit);
    }

    [Fact]
    public void An_imeisv_of_16_digits_is_keyed_on_the_same_14_digits_as_the_imei()
    {
        // IMEISV = TAC + serial + 2-digit software version, no check digit.
        Assert.True(Imei.TryParseFromNetwork("3576130044484812", out var fromSv, out _));
        Assert.True(Imei.TryParseFromPerson("3576130044484899", out var typedSv, out _));

        var imei = Imei.ParseFromNetwork("357613004448485");
        Assert.Equal(imei, fromSv);
        Assert.Equal(imei, typedSv);
    }

    [Theory]
    [InlineData("0132630012345", ImeiProblem.WrongLength)]
    [InlineData("35761300444848512", ImeiProblem.WrongLength)]
    [InlineData("1", ImeiProblem.WrongLength)]
    [InlineData("", ImeiProblem.Empty)]
    [InlineData("35761300444848X", ImeiProblem.NotDigits)]
    [InlineData("357613 004448485", ImeiProblem.NotDigits)]
    [InlineData("-35761300444848", ImeiProblem.NotDigits)]
    [InlineData("３５７６１３００４４４８４８５", ImeiProblem.NotDigits)]
    public void Network_parsing_names_what_is_wrong(string text, ImeiProblem expected)
    {
        Assert.False(Imei.TryParseFromNetwork(text, out var imei, out var problem));
        Assert.Equal(expected, problem);
        Assert.Equal(default, imei);
        Assert.False(string.IsNullOrWhiteSpace(Imei.Describe(problem)));
    }

    [Theory]
    [InlineData("000000000000000")]
    [InlineData("123456789012347")]
    [InlineData("111111111111111")]
    [InlineData("99999999999999")]
    [InlineData("00000000123456")]
    [InlineData("012345678912345")]
    [InlineData("98765432101234")]
    public void Junk_patterns_are_refused_even_when_luhn_accepts_them(string text)
    {
        Assert.False(Imei.TryParseFromNetwork(text, out _, out var network));
        Assert.False(Imei.TryParseFromPerson(text, out _, out var person));
        Assert.Equal(ImeiProblem.Junk, network);
        Assert.Equal(ImeiProblem.Junk, person);
    }

    [Fact]
    public void All_zeros_and_the_counting_run_pass_luhn_so_only_the_junk_check_catches_them()
    {
        Assert.True(Luhn.IsValid("000000000000000"));
        Assert.True(Luhn.IsValid("123456789012347"));
    }

    [Fact]
    public void A_leading_zero_tac_survives_the_64_bit_key()
    {
        // TAC 01326300 with serial 123456; its check digit is 5 (Luhn over 01326300123456).
        Assert.True(Imei.TryParseFromPerson("013263001234565", out var imei, out var problem), Imei.Describe(problem));

        Assert.Equal(1_326_300_123_456L, imei.Key);
        Assert.Equal(1_326_300, imei.Tac);
        Assert.Equal("01326300", imei.TacText);
        Assert.Equal("01326300123456", imei.ToString());
        Assert.Equal("013263001234565", imei.WithCheckDigit);
    }

    [Theory]
    [InlineData("35-761300-444848-5")]
    [InlineData(" 35 761300 444848 5 ")]
    [InlineData("35/761300/444848/5")]
    [InlineData("35.761300.444848.5")]
    public void A_person_may_type_separators(string text)
    {
        Assert.True(Imei.TryParseFromPerson(text, out var imei, out _));
        Assert.Equal("35761300444848", imei.ToString());
    }

    [Fact]
    public void A_person_typing_too_many_characters_is_told_the_length_is_wrong()
    {
        Assert.False(Imei.TryParseFromPerson(new string('3', 40), out _, out var problem));
        Assert.Equal(ImeiProblem.WrongLength, problem);
    }

    [Fact]
    public void ParseFromNetwork_throws_with_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => Imei.ParseFromNetwork("35761300444"));
        Assert.Contains("35761300444", ex.Message, StringComparison.Ordinal);
        Assert.Contains("14, 15", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_parsing_does_not_allocate()
    {
        // It runs once per attach-log row: millions of times per file.
        const string row = "357613004448480";
        Assert.True(Imei.TryParseFromNetwork(row, out _, out _));
        var accepted = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            if (Imei.TryParseFromNetwork(row, out _, out _))
            {
                accepted++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000, accepted);
        Assert.Equal(0, allocated);
    }
}
