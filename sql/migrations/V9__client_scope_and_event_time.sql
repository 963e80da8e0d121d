-- Transaction ids are unique per client, not globally: a client that guesses another's next id cannot claim it
-- first. The audit key becomes (transaction_id, client, event_time); rows written before carry 'unscoped'.
-- Each row also keeps when the node received the transaction and the time its velocity was counted at (the
-- caller's event time, or the receive time when the two were too far apart and the client may not replay).
ALTER TABLE audit.decisions ADD COLUMN client text NOT NULL DEFAULT 'unscoped';
ALTER TABLE audit.decisions ADD COLUMN received_at timestamptz;
ALTER TABLE audit.decisions ADD COLUMN counted_at timestamptz;
ALTER TABLE audit.decisions DROP CONSTRAINT decisions_pkey;
ALTER TABLE audit.decisions ADD PRIMARY KEY (transaction_id, client, event_time);

-- Labels name the deciding client's transaction; the verdict keeps who set it (the labelling API client).
ALTER TABLE audit.labels ADD COLUMN client text NOT NULL DEFAULT 'unscoped';
ALTER TABLE audit.labels ADD COLUMN labelled_by text;
ALTER TABLE audit.labels DROP CONSTRAINT labels_pkey;
ALTER TABLE audit.labels ADD PRIMARY KEY (transaction_id, client);
ALTER TABLE audit.label_history ADD COLUMN client text NOT NULL DEFAULT 'unscoped';
ALTER TABLE audit.label_history ADD COLUMN labelled_by text;
DROP INDEX audit.label_history_transaction_idx;
CREATE INDEX label_history_transaction_idx ON audit.label_history (transaction_id, client, id);

-- The replay role: event times used as sent (history replays).
ALTER TABLE access.api_keys DROP CONSTRAINT api_keys_roles_check;
ALTER TABLE access.api_keys ADD CONSTRAINT api_keys_roles_check
    CHECK (roles <@ ARRAY['decide', 'label', 'analyst', 'admin', 'replay']::text[] AND cardinality(roles) > 0);
