-- When `bosun run`'s last drift sweep finished: it observed every cluster it reconciles, so
-- `bosun status` can say when each was last looked at, not only when it last had a pass.
-- One row, rewritten by each sweep.
CREATE TABLE drift_sweeps (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    finished_at TEXT NOT NULL,
    clusters INTEGER NOT NULL CHECK (clusters >= 0)
);
