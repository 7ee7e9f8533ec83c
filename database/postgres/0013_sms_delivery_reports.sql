-- Delivery reports of an SMS gateway (docs/sms.md): Sent stays "accepted by the gateway"; a final report moves a
-- message to Delivered or Failed (new status values, no schema change for them) and is stamped here; every report's
-- type (Kannel's 1, 2, 4, 8, 16) and time are kept as the last report.
ALTER TABLE sms_outbox ADD COLUMN delivered_at timestamp with time zone NULL;
ALTER TABLE sms_outbox ADD COLUMN failed_at timestamp with time zone NULL;
ALTER TABLE sms_outbox ADD COLUMN last_report integer NULL;
ALTER TABLE sms_outbox ADD COLUMN last_report_at timestamp with time zone NULL;

ALTER TABLE appeal_messages ADD COLUMN delivered_at timestamp with time zone NULL;
ALTER TABLE appeal_messages ADD COLUMN failed_at timestamp with time zone NULL;
ALTER TABLE appeal_messages ADD COLUMN last_report integer NULL;
ALTER TABLE appeal_messages ADD COLUMN last_report_at timestamp with time zone NULL;
