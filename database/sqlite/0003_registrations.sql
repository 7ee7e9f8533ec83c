-- Device registration: duty tariffs (data with validity dates), the ministry's model price list,
-- registrations with their IMEIs, duty invoices, payments that matched nothing, IMEI blocks and
-- the SMS outbox of registration-window warnings. Money is TEXT as EF Core stores decimals.

-- A tariff row applies from valid_from (NULL: since always) until the day before valid_until
-- (NULL: still in force). kind: Bracket (price <= price_up_to_usd; NULL = no upper edge),
-- BasicPhone (a phone without camera, video or internet, price <= price_up_to_usd), Unlisted.
CREATE TABLE duty_tariffs (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    valid_from      TEXT    NULL,
    valid_until     TEXT    NULL,
    kind            TEXT    NOT NULL,
    price_up_to_usd TEXT    NULL,
    duty_azn        TEXT    NOT NULL,
    decree          TEXT    NULL
);

INSERT INTO duty_tariffs (valid_from, valid_until, kind, price_up_to_usd, duty_azn, decree) VALUES
    (NULL,         '2018-08-13', 'Bracket',    NULL,   '5.00',   'Flat duty for personal use before the 2018 tariff'),
    ('2018-08-13', '2023-12-14', 'BasicPhone', '100.00', '20.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Bracket',    '100.00', '30.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Bracket',    '200.00', '50.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Bracket',    '400.00', '60.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Bracket',    '700.00', '70.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Bracket',    '1000.00', '100.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Bracket',    NULL,   '150.00', 'Cabinet of Ministers decision of 31 July 2018'),
    ('2018-08-13', '2023-12-14', 'Unlisted',   NULL,   '20.00',  'Cabinet of Ministers decision of 31 July 2018'),
    ('2023-12-14', NULL,         'BasicPhone', '100.00', '15.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Bracket',    '100.00', '20.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Bracket',    '200.00', '30.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Bracket',    '400.00', '40.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Bracket',    '700.00', '50.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Bracket',    '1000.00', '70.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Bracket',    NULL,   '100.00', 'Reduction signed 14 November 2023'),
    ('2023-12-14', NULL,         'Unlisted',   NULL,   '15.00',  'Reduction signed 14 November 2023');

-- The ministry's brand/model market prices; a model not here takes the Unlisted rate.
CREATE TABLE model_prices (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    brand       TEXT    NOT NULL,
    model       TEXT    NOT NULL,
    price_usd   TEXT    NOT NULL,
    basic_phone INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_model_prices_brand_model ON model_prices (brand, model);

CREATE TABLE registrations (
    id                    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    channel               TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    owner_document_type   TEXT    NOT NULL,
    owner_document_number TEXT    NOT NULL,
    owner_name            TEXT    NOT NULL,
    owner_contact         TEXT    NOT NULL,
    tac                   INTEGER NOT NULL,
    brand                 TEXT    NULL,
    model                 TEXT    NULL,
    declared_price_usd    TEXT    NULL,
    price_usd             TEXT    NULL,
    price_source          TEXT    NOT NULL,
    basic_phone           INTEGER NOT NULL,
    customs_declaration   TEXT    NULL,
    registered_on         TEXT    NOT NULL,
    duty_basis            TEXT    NOT NULL,
    duty_tariff_id        INTEGER NULL REFERENCES duty_tariffs (id) ON DELETE RESTRICT,
    duty_azn              TEXT    NOT NULL,
    transferred_from_id   INTEGER NULL REFERENCES registrations (id) ON DELETE RESTRICT,
    created_at            TEXT    NOT NULL,
    effective_at          TEXT    NULL,
    ended_at              TEXT    NULL
);
CREATE INDEX ix_registrations_duty_tariff_id ON registrations (duty_tariff_id);
CREATE INDEX ix_registrations_transferred_from_id ON registrations (transferred_from_id);
CREATE INDEX ix_registrations_owner_document_number ON registrations (owner_document_number);

-- Every IMEI a registration ever covered (history survives a transfer).
CREATE TABLE registration_imeis (
    registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE RESTRICT,
    imei            INTEGER NOT NULL,
    PRIMARY KEY (registration_id, imei)
) WITHOUT ROWID;
CREATE INDEX ix_registration_imeis_imei ON registration_imeis (imei);

-- The one live registration (awaiting payment or effective) of each IMEI.
CREATE TABLE registered_imeis (
    imei            INTEGER NOT NULL PRIMARY KEY,
    registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE RESTRICT,
    since           TEXT    NOT NULL
);
CREATE INDEX ix_registered_imeis_registration_id ON registered_imeis (registration_id);

CREATE TABLE duty_invoices (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE RESTRICT,
    reference       TEXT    NOT NULL,
    amount_azn      TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    issued_at       TEXT    NOT NULL,
    paid_at         TEXT    NULL,
    transaction_id  TEXT    NULL
);
CREATE UNIQUE INDEX ix_duty_invoices_reference ON duty_invoices (reference);
CREATE UNIQUE INDEX ix_duty_invoices_registration_id ON duty_invoices (registration_id);

-- Confirmations that could not be applied: an unknown reference or a wrong amount. Kept, never dropped.
CREATE TABLE unmatched_payments (
    id                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    reference         TEXT    NOT NULL,
    amount_azn        TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    transaction_id    TEXT    NULL,
    first_received_at TEXT    NOT NULL,
    last_received_at  TEXT    NOT NULL,
    times_received    INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_unmatched_payments_reference_reason_amount_azn ON unmatched_payments (reference, reason, amount_azn);

-- reason: NoRegistration (the window ended unregistered) or Stolen. A block is live until lifted_at.
CREATE TABLE imei_blocks (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    imei        INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    blocked_on  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    note        TEXT    NULL,
    lifted_at   TEXT    NULL,
    lift_reason TEXT    NULL
);
CREATE UNIQUE INDEX ix_imei_blocks_imei_reason_blocked_on ON imei_blocks (imei, reason, blocked_on);

-- Registration-window warnings; the unique key makes sure none is queued (so sent) twice.
-- msisdn is '' with status NoRecipient when no number was ever seen on the IMEI.
CREATE TABLE sms_outbox (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    imei         INTEGER NOT NULL,
    msisdn       TEXT    NOT NULL,
    window_start TEXT    NOT NULL,
    warning_day  INTEGER NOT NULL,
    deadline     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    last_error   TEXT    NULL,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT    NULL
);
CREATE UNIQUE INDEX ix_sms_outbox_imei_window_start_warning_day_msisdn ON sms_outbox (imei, window_start, warning_day, msisdn);
CREATE INDEX ix_sms_outbox_status ON sms_outbox (status);
