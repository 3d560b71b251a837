-- v0016: "one of these values" is written with OR in the CHECK constraints and the partial
-- index that the executor's writes evaluate, not with IN.
--
-- SQLite (3.40 here) evaluates `x IN (a, b, c)` of more than two constants by building a
-- temporary b-tree, with a pager of its own, each time a statement runs. An action's step to
-- running or succeeded evaluated three such lists (the state CHECK, and the partial index's
-- WHERE for the old and the new row): a fifth of the state database writer's time in a large
-- apply, and that writer is what bounds it. `x = a OR x = b OR x = c` means exactly the same,
-- NULL included, so every row that satisfied the old CHECK satisfies the new one: the CHECK
-- texts are changed in place, as in v0015. The index is dropped and made again (an index
-- whose WHERE is rewritten must not keep entries chosen by the old text, even an equivalent
-- one); queries that want it name the same OR.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (state IN (''pending'', ''running'', ''succeeded'', ''failed'', ''cancelled''))',
       'CHECK (state = ''pending'' OR state = ''running'' OR state = ''succeeded'' OR state = ''failed'' OR state = ''cancelled'')')
 WHERE type = 'table' AND name = 'actions';
UPDATE sqlite_schema
   SET sql = replace(replace(sql,
       'CHECK (state IN (''missing'', ''creating'', ''running'', ''stopped'', ''updating'',
                         ''deleting'', ''deleted'', ''disk-lost'', ''failed''))',
       'CHECK (state = ''missing'' OR state = ''creating'' OR state = ''running'' OR state = ''stopped''
               OR state = ''updating'' OR state = ''deleting'' OR state = ''deleted'' OR state = ''disk-lost''
               OR state = ''failed'')'),
       'CHECK (health IN (''unknown'', ''healthy'', ''unhealthy''))',
       'CHECK (health = ''unknown'' OR health = ''healthy'' OR health = ''unhealthy'')')
 WHERE type = 'table' AND name = 'instances';
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (state IN (''attached'', ''detached'', ''orphaned'', ''lost'', ''deleted''))',
       'CHECK (state = ''attached'' OR state = ''detached'' OR state = ''orphaned'' OR state = ''lost'' OR state = ''deleted'')')
 WHERE type = 'table' AND name = 'disks';
UPDATE sqlite_schema
   SET sql = replace(replace(sql,
       'CHECK (lifecycle IN (''active'', ''pending-deletion'', ''held'', ''orphaned'', ''deleting'', ''deleted''))',
       'CHECK (lifecycle = ''active'' OR lifecycle = ''pending-deletion'' OR lifecycle = ''held''
               OR lifecycle = ''orphaned'' OR lifecycle = ''deleting'' OR lifecycle = ''deleted'')'),
       'CHECK (phase IN (''pending'', ''reconciling'', ''converged'', ''failed'', ''meltdown'', ''unknown''))',
       'CHECK (phase = ''pending'' OR phase = ''reconciling'' OR phase = ''converged'' OR phase = ''failed''
               OR phase = ''meltdown'' OR phase = ''unknown'')')
 WHERE type = 'table' AND name = 'clusters';
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (provider IN (''sim'', ''aws'', ''local''))',
       'CHECK (provider = ''sim'' OR provider = ''aws'' OR provider = ''local'')')
 WHERE type = 'table' AND name = 'clusters';
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (state IN (''open'', ''healing'', ''suppressed'', ''resolved''))',
       'CHECK (state = ''open'' OR state = ''healing'' OR state = ''suppressed'' OR state = ''resolved'')')
 WHERE type = 'table' AND name = 'finding_rows';
PRAGMA writable_schema = RESET;

DROP INDEX actions_finished;
CREATE INDEX actions_finished ON actions(finished_at) WHERE state = 'succeeded' OR state = 'failed' OR state = 'cancelled';
