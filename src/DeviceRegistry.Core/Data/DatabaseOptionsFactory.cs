using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Data;

public static class DatabaseOptionsFactory
{
    /// <summary>Reads <c>Database:Provider</c> and <c>ConnectionStrings:Registry</c>, with clear errors for bad values.</summary>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var providerText = configuration["Database:Provider"];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText)
            && !Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider))
        {
            throw new InvalidOperationException(
                $"Database:Provider is '{providerText}'; it must be Sqlite or Postgres.");
        }

        var connectionString = configuration.GetConnectionString("Registry");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Registry is not set.");
            }

            connectionString = DatabaseOptions.DefaultSqliteConnectionString;
        }

        return new DatabaseOptions { Provider = provider, ConnectionString = connectionString };
    }
}
