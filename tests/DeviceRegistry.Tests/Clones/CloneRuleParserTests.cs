using DeviceRegistry.Clones;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Clones;

public sealed class CloneRuleParserTests
{
    [Fact]
    public void Without_configuration_the_tuned_defaults_apply()
    {
        var rules = CloneRuleParser.FromSection(new ConfigurationBuilder().Build().GetSection("CloneDetection:Rules"));

        Assert.Same(CloneRuleSet.Defaults, rules);
        Assert.Equal(["independent-use", "many-concurrent-users", "crowded-imei"], rules.Rules.Select(r => r.Name));
    }

    [Fact]
    public void Configuration_rules_are_read_with_the_contract_property_names()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloneDetection:Rules:0:Name"] = "dirbs",
            ["CloneDetection:Rules:0:Kind"] = "DistinctImsis",
            ["CloneDetection:Rules:0:Threshold"] = "10",
            ["CloneDetection:Rules:0:PeriodDays"] = "120",
            ["CloneDetection:Rules:1:Name"] = "avg",
            ["CloneDetection:Rules:1:Kind"] = "DailyAverageImsis",
            ["CloneDetection:Rules:1:Threshold"] = "4.5",
            ["CloneDetection:Rules:1:PeriodDays"] = "30",
            ["CloneDetection:Rules:1:MinSeenDays"] = "5",
        }).Build();

        var rules = CloneRuleParser.FromSection(configuration.GetSection("CloneDetection:Rules")).Rules;

        var distinct = Assert.IsType<DistinctImsisRule>(rules[0]);
        Assert.Equal(("dirbs", 10, 120), (distinct.Name, distinct.Threshold, distinct.PeriodDays));
        var average = Assert.IsType<DailyAverageImsisRule>(rules[1]);
        Assert.Equal(("avg", 4.5, 30, 5), (average.Name, average.Threshold, average.PeriodDays, average.MinSeenDays));
    }

    [Fact]
    public void A_json_rule_file_may_nest_AllOf_and_use_the_concurrency_kind()
    {
        const string json = """
            { "Rules": [
              { "Name": "both", "Kind": "AllOf", "Rules": [
                  { "Name": "many", "Kind": "DistinctImsis", "Threshold": 3, "PeriodDays": 60 },
                  { "Name": "together", "Kind": "ConcurrentImsis", "PeriodDays": 60, "MinImsis": 2, "MinDays": 5, "MinWeeks": 2, "MinDaysPerWeek": 2, "TransitionDays": 2 } ] } ] }
            """;

        var all = Assert.IsType<AllOfRule>(Assert.Single(CloneRuleParser.FromJson(json, "rules.json").Rules));

        Assert.Equal("both", all.Name);
        var concurrent = Assert.IsType<ConcurrentImsisRule>(all.Rules[1]);
        Assert.Equal((60, 2, 5, 2, 2, 2), (concurrent.PeriodDays, concurrent.MinImsis, concurrent.MinDays, concurrent.MinWeeks, concurrent.MinDaysPerWeek, concurrent.TransitionDays));
    }

    [Theory]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "Magic" } ] }""", "Rules[0] ('a'): Kind 'Magic' is not one of")]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "DistinctImsis", "PeriodDays": 30 } ] }""", "Rules[0] ('a'): Threshold is required")]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "DistinctImsis", "Threshold": "ten", "PeriodDays": 30 } ] }""", "Rules[0] ('a'): Threshold is 'ten'")]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "DistinctImsis", "Treshold": 3, "Threshold": 3, "PeriodDays": 30 } ] }""", "Rules[0] ('a'): Treshold is not a property of a DistinctImsis rule")]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "DistinctImsis", "Threshold": 3, "PeriodDays": 400 } ] }""", "PeriodDays is '400'; it must be a whole number from 1 to 366")]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "DailyAverageImsis", "Threshold": 0, "PeriodDays": 30, "MinSeenDays": 5 } ] }""", "Rules[0] ('a'): Threshold is '0'; it must be a number greater than 0")]
    [InlineData("""{ "Rules": [ { "Name": "c", "Kind": "ConcurrentImsis", "PeriodDays": 14, "MinImsis": 2, "MinDays": 3, "MinWeeks": 5, "TransitionDays": 3 } ] }""", "MinWeeks (5) cannot exceed the 2 weeks")]
    [InlineData("""{ "Rules": [ { "Name": "a", "Kind": "DistinctImsis", "Threshold": 3, "PeriodDays": 30 }, { "Name": "a", "Kind": "DistinctImsis", "Threshold": 4, "PeriodDays": 30 } ] }""", "Rules[1] ('a'): Name is used by another rule")]
    [InlineData("""{ "Rules": [ { "Name": "x", "Kind": "AllOf", "Rules": [ { "Name": "y", "Kind": "DistinctImsis", "PeriodDays": 30 } ] } ] }""", "Rules[0].Rules[0] ('y'): Threshold is required")]
    [InlineData("""{ "Rules": [] }""", "at least one rule is needed")]
    [InlineData("""{ "rules": 5 }""", "an object with a \"Rules\" array")]
    [InlineData("""{ "Rules": [ """, "not valid JSON")]
    public void Invalid_rules_are_refused_naming_the_rule_and_the_property(string json, string expected)
    {
        var ex = Assert.Throws<CloneRulesException>(() => CloneRuleParser.FromJson(json, "rules.json"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("rules.json has invalid clone rules", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_configuration_names_the_configuration_path()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloneDetection:Rules:0:Name"] = "avg",
            ["CloneDetection:Rules:0:Kind"] = "DailyAverageImsis",
            ["CloneDetection:Rules:0:Threshold"] = "4",
            ["CloneDetection:Rules:0:PeriodDays"] = "30",
        }).Build();

        var ex = Assert.Throws<CloneRulesException>(() => CloneRuleParser.FromSection(configuration.GetSection("CloneDetection:Rules")));

        Assert.Contains("CloneDetection:Rules:0 ('avg'): MinSeenDays is required", ex.Message, StringComparison.Ordinal);
    }
}
