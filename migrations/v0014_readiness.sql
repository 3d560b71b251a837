-- Version 14: metrics and readiness (issue 14).
--
-- `bosun run --metrics-address`'s `/readyz` proves the state database is writable by writing
-- here through a connection of its own (opened for the probe, so a file made read-only after
-- start-up is seen, which the long-lived connections would not notice until they write).
CREATE TABLE readiness_probes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
