using System.Globalization;
using DeviceRegistry.Clones;
using DeviceRegistry.Demo;
using Xunit.Abstractions;

namespace DeviceRegistry.Tests.Demo;

public sealed class TuningScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Seeds()
    {
        foreach (var seed in new[] { 1, 2, 3, 4, 5, 6 })
        {
            var data = DemoDataGenerator.Generate(seed, 4000, seed % 2 == 0 ? 120 : 90);
            var byImei = data.Rows.GroupBy(r => r.ImeiIndex).ToDictionary(g => data.Imeis[g.Key], g => g.ToList());
            var measures = new ActivityMeasures();
            var activity = new ImeiActivity(data.Start, data.LastDay);
            int tp = 0, fp = 0, fn = 0;
            var fps = new List<string>();
            foreach (var label in data.Labels)
            {
                activity.Reset(label.Imei);
                foreach (var row in byImei[label.Imei])
                {
                    var d = data.Start.AddDays(row.Day);
                    activity.Add(data.Sims[row.SimIndex].Imsi, d.Year * 100 + d.Month, 1 << (d.Day - 1));
                }

                var hit = activity.ImsiCount > 1 && CloneRuleSet.Defaults.FirstMatch(activity, measures) is not null;
                if (hit && label.IsClone) tp++;
                else if (hit) { fp++; fps.Add(label.Pattern); }
                else if (label.IsClone) fn++;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed}: P={(double)tp / (tp + fp):F4} R={(double)tp / (tp + fn):F4} fp={string.Join(",", fps)} fn={fn}"));
        }
    }
}
