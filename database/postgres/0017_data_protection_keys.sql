-- The key ring that protects staff sign-in cookies and anti-forgery tokens, shared by every web node
-- (src/DeviceRegistry.Web/Staff/RegistryKeyRing.cs). Each row is one key as the framework writes it (XML).
CREATE TABLE data_protection_keys (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text        NOT NULL,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL
);
