-- The modems that unfinished messages are bound to (a message stays with the
-- modem that sent its first part). A partial index holds only those few rows,
-- so the scheduler's periodic look at them never scans the sent history.
CREATE INDEX messages_open_bound ON messages (modem)
    WHERE modem IS NOT NULL AND state IN ('queued', 'sending');
