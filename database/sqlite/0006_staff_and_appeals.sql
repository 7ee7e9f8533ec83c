-- Staff accounts (ASP.NET Core Identity's tables, named staff_*), citizens' appeals against clone
-- verdicts with their numbers, attachments and trail, and the audit log of staff actions.
-- appeal_events and audit_entries are append-only: triggers refuse UPDATE and DELETE.

CREATE TABLE appeals (
    id INTEGER NOT NULL CONSTRAINT pk_appeals PRIMARY KEY AUTOINCREMENT,
    tracking_number TEXT NOT NULL,
    imei INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    reason_text TEXT NULL,
    applicant_document_type TEXT NOT NULL,
    applicant_document_number TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_contact TEXT NOT NULL,
    language TEXT NOT NULL,
    office TEXT NOT NULL,
    filed_by_id TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    due_on TEXT NOT NULL,
    assigned_to_id TEXT NULL,
    assigned_at TEXT NULL,
    outcome TEXT NULL,
    decision_reason TEXT NULL,
    decided_by_id TEXT NULL,
    decided_at TEXT NULL,
    confirmed_by_id TEXT NULL,
    confirmed_at TEXT NULL,
    closed_at TEXT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE audit_entries (
    id INTEGER NOT NULL CONSTRAINT pk_audit_entries PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    imei INTEGER NULL,
    reason TEXT NULL,
    before TEXT NULL,
    after TEXT NULL
);

CREATE TABLE staff_roles (
    id TEXT NOT NULL CONSTRAINT pk_staff_roles PRIMARY KEY,
    name TEXT NULL,
    normalized_name TEXT NULL,
    concurrency_stamp TEXT NULL
);

CREATE TABLE staff_users (
    id TEXT NOT NULL CONSTRAINT pk_staff_users PRIMARY KEY,
    office TEXT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT NULL,
    user_name TEXT NULL,
    normalized_user_name TEXT NULL,
    email TEXT NULL,
    normalized_email TEXT NULL,
    email_confirmed INTEGER NOT NULL,
    password_hash TEXT NULL,
    security_stamp TEXT NULL,
    concurrency_stamp TEXT NULL,
    phone_number TEXT NULL,
    phone_number_confirmed INTEGER NOT NULL,
    two_factor_enabled INTEGER NOT NULL,
    lockout_end TEXT NULL,
    lockout_enabled INTEGER NOT NULL,
    access_failed_count INTEGER NOT NULL
);

CREATE TABLE appeal_attachments (
    id INTEGER NOT NULL CONSTRAINT pk_appeal_attachments PRIMARY KEY AUTOINCREMENT,
    appeal_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    length INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by_id TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    CONSTRAINT fk_appeal_attachments_appeals_appeal_id FOREIGN KEY (appeal_id) REFERENCES appeals (id) ON DELETE RESTRICT
);

CREATE TABLE appeal_events (
    id INTEGER NOT NULL CONSTRAINT pk_appeal_events PRIMARY KEY AUTOINCREMENT,
    appeal_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    text TEXT NULL,
    CONSTRAINT fk_appeal_events_appeals_appeal_id FOREIGN KEY (appeal_id) REFERENCES appeals (id) ON DELETE RESTRICT
);

CREATE TABLE appeal_numbers (
    appeal_id INTEGER NOT NULL,
    msisdn TEXT NOT NULL,
    CONSTRAINT pk_appeal_numbers PRIMARY KEY (appeal_id, msisdn),
    CONSTRAINT fk_appeal_numbers_appeals_appeal_id FOREIGN KEY (appeal_id) REFERENCES appeals (id) ON DELETE RESTRICT
);

CREATE TABLE staff_role_claims (
    id INTEGER NOT NULL CONSTRAINT pk_staff_role_claims PRIMARY KEY AUTOINCREMENT,
    role_id TEXT NOT NULL,
    claim_type TEXT NULL,
    claim_value TEXT NULL,
    CONSTRAINT fk_staff_role_claims_staff_roles_role_id FOREIGN KEY (role_id) REFERENCES staff_roles (id) ON DELETE CASCADE
);

CREATE TABLE staff_user_claims (
    id INTEGER NOT NULL CONSTRAINT pk_staff_user_claims PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    claim_type TEXT NULL,
    claim_value TEXT NULL,
    CONSTRAINT fk_staff_user_claims_staff_users_user_id FOREIGN KEY (user_id) REFERENCES staff_users (id) ON DELETE CASCADE
);

CREATE TABLE staff_user_logins (
    login_provider TEXT NOT NULL,
    provider_key TEXT NOT NULL,
    provider_display_name TEXT NULL,
    user_id TEXT NOT NULL,
    CONSTRAINT pk_staff_user_logins PRIMARY KEY (login_provider, provider_key),
    CONSTRAINT fk_staff_user_logins_staff_users_user_id FOREIGN KEY (user_id) REFERENCES staff_users (id) ON DELETE CASCADE
);

CREATE TABLE staff_user_roles (
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    CONSTRAINT pk_staff_user_roles PRIMARY KEY (user_id, role_id),
    CONSTRAINT fk_staff_user_roles_staff_roles_role_id FOREIGN KEY (role_id) REFERENCES staff_roles (id) ON DELETE CASCADE,
    CONSTRAINT fk_staff_user_roles_staff_users_user_id FOREIGN KEY (user_id) REFERENCES staff_users (id) ON DELETE CASCADE
);

CREATE TABLE staff_user_tokens (
    user_id TEXT NOT NULL,
    login_provider TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NULL,
    CONSTRAINT pk_staff_user_tokens PRIMARY KEY (user_id, login_provider, name),
    CONSTRAINT fk_staff_user_tokens_staff_users_user_id FOREIGN KEY (user_id) REFERENCES staff_users (id) ON DELETE CASCADE
);

CREATE INDEX ix_appeal_attachments_appeal_id ON appeal_attachments (appeal_id);

CREATE INDEX ix_appeal_events_appeal_id ON appeal_events (appeal_id);

CREATE INDEX ix_appeals_imei ON appeals (imei);

CREATE INDEX ix_appeals_status_filed_at ON appeals (status, filed_at);

CREATE UNIQUE INDEX ix_appeals_tracking_number ON appeals (tracking_number);

CREATE INDEX ix_audit_entries_at ON audit_entries (at);

CREATE INDEX ix_audit_entries_imei ON audit_entries (imei);

CREATE INDEX ix_audit_entries_subject ON audit_entries (subject);

CREATE INDEX ix_audit_entries_actor_name_id ON audit_entries (actor_name, id);

CREATE INDEX ix_audit_entries_action_id ON audit_entries (action, id);

CREATE INDEX ix_staff_role_claims_role_id ON staff_role_claims (role_id);

CREATE UNIQUE INDEX role_name_index ON staff_roles (normalized_name);

CREATE INDEX ix_staff_user_claims_user_id ON staff_user_claims (user_id);

CREATE INDEX ix_staff_user_logins_user_id ON staff_user_logins (user_id);

CREATE INDEX ix_staff_user_roles_role_id ON staff_user_roles (role_id);

CREATE INDEX email_index ON staff_users (normalized_email);

CREATE UNIQUE INDEX user_name_index ON staff_users (normalized_user_name);

CREATE INDEX ix_appeals_office_status_filed_at ON appeals (office, status, filed_at);

CREATE INDEX ix_appeals_assigned_to_id ON appeals (assigned_to_id);

-- The SMS each decision sends the applicant (in their language), delivered through the same SMS sender
-- as the registration warnings; pending until a sender accepted it.
CREATE TABLE appeal_messages (
    id INTEGER NOT NULL CONSTRAINT pk_appeal_messages PRIMARY KEY AUTOINCREMENT,
    appeal_id INTEGER NOT NULL,
    msisdn TEXT NOT NULL,
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL,
    CONSTRAINT fk_appeal_messages_appeals_appeal_id FOREIGN KEY (appeal_id) REFERENCES appeals (id) ON DELETE RESTRICT
);

CREATE INDEX ix_appeal_messages_appeal_id ON appeal_messages (appeal_id);

CREATE INDEX ix_appeal_messages_status ON appeal_messages (status);

-- The queue's default order (oldest first) over all statuses.
CREATE INDEX ix_appeals_filed_at ON appeals (filed_at);

-- The four staff roles; accounts are added with `devreg user add`.
INSERT INTO staff_roles (id, name, normalized_name, concurrency_stamp) VALUES
    ('clerk', 'clerk', 'CLERK', 'clerk'),
    ('reviewer', 'reviewer', 'REVIEWER', 'reviewer'),
    ('supervisor', 'supervisor', 'SUPERVISOR', 'supervisor'),
    ('admin', 'admin', 'ADMIN', 'admin');

-- At most one open appeal per IMEI: a second one is refused with the first one's number.
CREATE UNIQUE INDEX ux_appeals_open_imei ON appeals (imei)
    WHERE status IN ('New', 'InReview', 'InformationRequested', 'AwaitingConfirmation');

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: an audit entry cannot be changed'); END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: an audit entry cannot be deleted'); END;
CREATE TRIGGER appeal_events_no_update BEFORE UPDATE ON appeal_events
BEGIN SELECT RAISE(ABORT, 'appeal_events is append-only: a trail entry cannot be changed'); END;
CREATE TRIGGER appeal_events_no_delete BEFORE DELETE ON appeal_events
BEGIN SELECT RAISE(ABORT, 'appeal_events is append-only: a trail entry cannot be deleted'); END;

-- Attach-check answers per day (the registry's date) and equipment status: the EIR counts them in memory
-- and adds its counts here every few seconds (an upsert), so refused attaches can be counted per week.
CREATE TABLE eir_answer_counts (
    day TEXT NOT NULL,
    equipment_status TEXT NOT NULL,
    answers INTEGER NOT NULL,
    CONSTRAINT pk_eir_answer_counts PRIMARY KEY (day, equipment_status)
);
