-- Version 13: composed cluster files (issue 13).
--
-- A cluster file may compose its spec from a base, ops files and vars files. An error can then
-- be in one of those (an op that fails is reported at its line in its ops file), so each error
-- row records the file it is in; NULL means the spec file itself (`path`). The `spec_errors`
-- view gains `file` (never NULL: the file to open to fix it); its other columns are unchanged.
ALTER TABLE spec_file_errors ADD COLUMN file TEXT;

DROP VIEW spec_errors;
CREATE VIEW spec_errors AS
SELECT
    e.path,
    e.cluster,
    e.line,
    e.column,
    e.field,
    e.message,
    (SELECT count(*) FROM spec_file_errors x WHERE x.path = e.path) AS error_count,
    e.at,
    coalesce(e.file, e.path) AS file
FROM spec_file_errors e
WHERE e.seq = 0;
