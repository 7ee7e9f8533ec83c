-- The key ring that protects staff sign-in cookies and anti-forgery tokens, shared by every web node
-- (src/DeviceRegistry.Web/Staff/RegistryKeyRing.cs). Each row is one key as the framework writes it (XML).
CREATE TABLE data_protection_keys (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    friendly_name TEXT    NOT NULL,
    xml           TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
