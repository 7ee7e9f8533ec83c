using System.Globalization;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Tests.Identifiers;

public sealed class LuhnTests
{
    // The worked examples of docs/reference.md; 260531793113837 is 3GPP TS 23.003's own.
    [Theory]
    [InlineData("490154203237518")]
    [InlineData("260531793113837")]
    [InlineData("357613004448485")]
    [InlineData("352936001349777")]
    public void The_worked_valid_examples_pass(string imei)
    {
        Assert.True(Luhn.IsValid(imei));
        Assert.Equal(imei[14] - '0', Luhn.CheckDigit(imei.AsSpan(0, 14)));
    }

    [Theory]
    [InlineData("357613004448480", 5)]
    [InlineData("357613004448405", 2)]
    public void The_worked_invalid_examples_fail_and_the_right_check_digit_is_computed(string imei, int expectedCheckDigit)
    {
        Assert.False(Luhn.IsValid(imei));
        Assert.Equal(expectedCheckDigit, Luhn.CheckDigit(imei.AsSpan(0, 14)));
    }

    [Fact]
    public void TS_23_003_annex_B_example_computes_check_digit_7()
    {
        // Annex B: IMEI 26053179311383, check digit 7.
        Assert.Equal(7, Luhn.CheckDigit("26053179311383"));
    }

    [Fact]
    public void Agrees_with_the_textbook_formulation_on_random_numbers()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 5_000; i++)
        {
            var body = random.NextInt64(0, 100_000_000_000_000).ToString("D14", CultureInfo.InvariantCulture);
            var check = Luhn.CheckDigit(body);
            for (var candidate = 0; candidate <= 9; candidate++)
            {
                var full = body + candidate.ToString(CultureInfo.InvariantCulture);
                Assert.Equal(TextbookLuhnSumIsMultipleOfTen(full), Luhn.IsValid(full));
                Assert.Equal(candidate == check, Luhn.IsValid(full));
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("/2")]
    [InlineData("35761300444848a")]
    [InlineData("3576130044 4848 5")]
    public void Text_that_is_not_digits_or_too_short_is_never_valid(string text)
    {
        Assert.False(Luhn.IsValid(text));
    }

    [Fact]
    public void Check_digit_of_non_digits_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Luhn.CheckDigit("3576130044484a"));
        Assert.Throws<ArgumentException>(() => Luhn.CheckDigit(string.Empty));
    }

    /// <summary>
    /// The usual statement of Luhn: from the right, including the check digit, double every second
    /// digit, sum the digits of everything; valid when the sum is a multiple of 10.
    /// </summary>
    private static bool TextbookLuhnSumIsMultipleOfTen(string number)
    {
        var sum = 0;
        for (var positionFromRight = 0; positionFromRight < number.Length; positionFromRight++)
        {
            var digit = number[number.Length - 1 - positionFromRight] - '0';
            var value = positionFromRight % 2 == 1 ? digit * 2 : digit;
            sum += (value / 10) + (value % 10);
        }

        return sum % 10 == 0;
    }
}
