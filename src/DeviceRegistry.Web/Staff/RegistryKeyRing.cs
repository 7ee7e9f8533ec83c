using System.Data.Common;
using System.Xml.Linq;
using DeviceRegistry.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Staff;

/// <summary>
/// The keys that protect staff sign-in cookies and anti-forgery tokens, kept in the registry database
/// (<c>data_protection_keys</c>) rather than in each machine's home folder: every web node behind a load
/// balancer reads the same key ring, so a sign-in on one node is valid on the others and survives a node's
/// replacement. The framework asks for the ring at start and about once a day, and adds a key every 90 days.
/// </summary>
public static class RegistryKeyRing
{
    /// <summary>The same on every node whatever folder it is installed in (the default would be the content root).</summary>
    public const string ApplicationName = "DeviceRegistry";

    public static IServiceCollection AddRegistryKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<RegistryDatabase, TimeProvider>((options, database, clock) => options.XmlRepository = new DatabaseXmlRepository(database, clock));
        return services;
    }

    private sealed class DatabaseXmlRepository(RegistryDatabase database, TimeProvider clock) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var connection = database.OpenConnection();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT xml FROM data_protection_keys ORDER BY id";
            using var reader = cmd.ExecuteReader();
            var elements = new List<XElement>();
            while (reader.Read())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }

            return elements;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var connection = database.OpenConnection();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @at)";
            Add(cmd, "@name", friendlyName);
            Add(cmd, "@xml", element.ToString(SaveOptions.DisableFormatting));
            Add(cmd, "@at", clock.GetUtcNow().UtcDateTime);
            cmd.ExecuteNonQuery();
        }

        private static void Add(DbCommand cmd, string name, object value)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            cmd.Parameters.Add(parameter);
        }
    }
}
