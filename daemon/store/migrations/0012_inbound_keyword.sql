-- Schema version 12.
-- What a received message was to the keyword matcher: 'opt_out' (it put its
-- sender on the opt-out list, or found it there), 'resubscribe' or 'help';
-- null for any other message. The inbound.received event said so; staff
-- reading inbound.list later need it as much. Messages kept before: those
-- that opted a number out still on the list are known by its source.
ALTER TABLE inbound ADD COLUMN keyword TEXT
    CHECK (keyword IS NULL OR keyword = 'opt_out' OR keyword = 'resubscribe' OR keyword = 'help');
UPDATE inbound SET keyword = 'opt_out'
    WHERE id IN (SELECT source_inbound_id FROM optouts WHERE source_inbound_id IS NOT NULL);
