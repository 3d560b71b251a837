-- v0015: clusters may name provider 'local' (processes on this machine).
--
-- The CHECK on clusters.provider is widened in place, the way SQLite's documentation gives
-- for loosening a CHECK constraint: every existing row satisfies the wider rule, so the
-- table needs no rebuild (which would mean recreating its triggers and the views over it).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (provider IN (''sim'', ''aws''))', 'CHECK (provider IN (''sim'', ''aws'', ''local''))')
 WHERE type = 'table' AND name = 'clusters';
PRAGMA writable_schema = RESET;
