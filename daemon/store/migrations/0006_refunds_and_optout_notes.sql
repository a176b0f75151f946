-- Schema version 6.
-- A message that ends with parts the network never took is refunded their
-- share of its charge: finding the charge by message wants an index (a
-- ledger grows by a row per charged message).
CREATE INDEX wallet_ledger_message ON wallet_ledger (message_id) WHERE message_id IS NOT NULL;

-- Staff's note on an opt-out they added by hand ("asked by phone") was kept
-- in `keyword`, the column for the word a customer sent; it has its own now.
ALTER TABLE optouts ADD COLUMN note TEXT;
UPDATE optouts SET note = keyword, keyword = NULL WHERE source = 'api';
