-- The IMEIs whose sightings changed since continuous clone detection last evaluated them
-- (docs/clone-detection.md, "Continuous detection"). The sightings merge upserts a row per IMEI in
-- its own transaction, counting touch up; the detection job deletes a row only when its touch is still
-- the one it read, so a touch that arrives during an evaluation is evaluated by the next one.
CREATE TABLE clone_detection_queue (
    imei  bigint NOT NULL PRIMARY KEY,
    touch bigint NOT NULL
);
