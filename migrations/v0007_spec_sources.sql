-- Version 7: decode once (issue 9, "Scale"). What each spec file's content was decoded to,
-- so a fresh `bosun plan`, `apply` or `run` does not parse YAML it has already seen.
--
-- One row per file whose content was accepted (or found unchanged): the SHA-256 of its bytes,
-- the cluster it declared and the canonical hash of what it declared. The canonical JSON itself
-- is `clusters.spec_json`, used only while that cluster's `spec_hash` is still this one. A row is
-- trusted only under the validator version that wrote it: a Bosun whose validation differs
-- decodes again. Rejected files have no row: their errors are always computed afresh.
CREATE TABLE spec_sources (
    path TEXT PRIMARY KEY,
    content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
    validator TEXT NOT NULL,
    cluster TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
-- A renamed or copied file is found by its content.
CREATE INDEX spec_sources_by_content ON spec_sources(content_sha256);
