using DeviceRegistry.Benchmarks;

// dotnet run -c Release --project tests/DeviceRegistry.Benchmarks -- NAME [options]
// Each benchmark is a class implementing IBenchmark in its own file; results go to docs/benchmarks.md by hand.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.Error.WriteLine("usage: DeviceRegistry.Benchmarks NAME [options]; benchmarks:");
    foreach (var b in benchmarks)
    {
        Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    }

    return 2;
}

return await benchmarks.Single(b => b.Name == args[0]).RunAsync(args[1..]);
