using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Operators;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Eir;

public sealed class EirIndexAndSecretTests
{
    [Fact]
    public void The_packed_index_keeps_every_state_through_growth_and_reports_absent_keys_as_never_seen()
    {
        var random = new Random(7);
        var expected = new Dictionary<long, EirDeviceState>();
        var index = new EirIndex();
        for (var i = 0; i < 200_000; i++)
        {
            // Keys up to the largest 14-digit IMEI, states with every flag and day combination.
            var key = i == 0 ? 99_999_999_999_999L : random.NextInt64(1, 100_000_000_000_000L);
            var state = new EirDeviceState(
                (DeviceStatusFlags)random.Next(0, 4),
                random.Next(0, 2) == 1,
                random.Next(0, 3) == 0 ? null : new DateOnly(2020, 1, 1).AddDays(random.Next(0, EirDeviceState.MaxDayNumber + 1)));
            index.Set(key, state, state.IsClone ? [EirQuery.ImsiCode("400011234567890")] : null);
            expected[key] = state;
        }

        Assert.Equal(expected.Count, index.Count);
        Assert.InRange((double)index.TableBytes / index.Count, 8.0, 16.0);
        foreach (var (key, state) in expected)
        {
            Assert.Equal(state, index.Get(key));
            Assert.Equal(state.IsClone, index.IsAllowedPair(key, EirQuery.ImsiCode("400011234567890")));
        }

        for (var i = 0; i < 10_000; i++)
        {
            var key = random.NextInt64(1, 100_000_000_000_000L);
            if (!expected.ContainsKey(key))
            {
                Assert.True(index.Get(key).IsEmpty);
            }
        }
    }

    [Fact]
    public void Imsi_codes_tell_apart_imsis_that_differ_only_in_leading_zeros()
    {
        Assert.NotEqual(EirQuery.ImsiCode("0012345"), EirQuery.ImsiCode("012345"));
        Assert.Equal(EirQuery.ImsiCode("400011234567890"), EirQuery.ImsiCode("400011234567890"));
    }

    [Fact]
    public void An_operator_secret_verifies_against_its_own_hash_only()
    {
        var secret = OperatorSecret.Generate(3);
        var hash = OperatorSecret.Hash(secret);

        Assert.Equal(3, OperatorSecret.ClaimedOperatorId(secret));
        Assert.Matches(@"^pbkdf2-sha256\$210000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$", hash);
        Assert.True(OperatorSecret.Verify(secret, hash));
        Assert.False(OperatorSecret.Verify(secret + "x", hash));
        Assert.False(OperatorSecret.Verify(OperatorSecret.Generate(3), hash));
        Assert.False(OperatorSecret.Verify(secret, "pbkdf2-sha256$x$y$z"));
        Assert.NotEqual(hash, OperatorSecret.Hash(secret)); // a fresh salt each time
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Operator_add_rejects_a_bad_name_and_a_second_add_replaces_the_secret(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var empty = await Infrastructure.Cli.RunAsync(db, "operator", "add", "");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("empty", empty.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await Infrastructure.Cli.RunAsync(db, "operator")).ExitCode);

        var first = await Infrastructure.Cli.RunAsync(db, "operator", "add", "Nar");
        var second = await Infrastructure.Cli.RunAsync(db, "operator", "add", "Nar");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("created", first.Out, StringComparison.Ordinal);
        Assert.Contains("new secret", second.Out, StringComparison.Ordinal);
        var secrets = new[] { first, second }.Select(r => r.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))[8..].Trim()).ToList();
        Assert.NotEqual(secrets[0], secrets[1]);

        var rows = await Sql.QueryAsync(db.Database, "SELECT secret_hash FROM operators WHERE name = 'Nar'");
        var hash = (string)Assert.Single(rows)[0]!;
        Assert.StartsWith(OperatorSecret.HmacScheme + "$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(secrets[1], hash, StringComparison.Ordinal);
    }
}
