-- Schema version 9.
-- An opt-out's id is published (optout.list, the optout.added event) and
-- pages optout.list; without AUTOINCREMENT SQLite gave the next opt-out the id
-- of the latest one removed, so a client that had seen that id took a new
-- number's opt-out for the old one. Rebuilt with AUTOINCREMENT: an id is never
-- given twice, the ids given so far stay as they were.
CREATE TABLE optouts_rebuilt (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT    NOT NULL UNIQUE,
    keyword           TEXT,
    at                INTEGER NOT NULL,
    source_inbound_id INTEGER REFERENCES inbound (id) ON DELETE SET NULL,
    source            TEXT    NOT NULL CHECK (source = 'keyword' OR source = 'api'
                                              OR source = 'import'),
    note              TEXT
);
INSERT INTO optouts_rebuilt (id, number, keyword, at, source_inbound_id, source, note)
    SELECT id, number, keyword, at, source_inbound_id, source, note FROM optouts;
DROP TABLE optouts;
ALTER TABLE optouts_rebuilt RENAME TO optouts;
