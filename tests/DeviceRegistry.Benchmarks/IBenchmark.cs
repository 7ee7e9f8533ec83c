namespace DeviceRegistry.Benchmarks;

/// <summary>One measurement run from the command line; prints its results as a Markdown table.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args);
}
