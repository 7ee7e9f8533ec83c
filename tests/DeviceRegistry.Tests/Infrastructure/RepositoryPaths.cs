namespace DeviceRegistry.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (found above the test assembly's folder).</summary>
public static class RepositoryPaths
{
    /// <summary>The repository's root: the first folder above the test binaries holding DeviceRegistry.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeviceRegistry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"DeviceRegistry.sln not found above {AppContext.BaseDirectory}");
    }
}
