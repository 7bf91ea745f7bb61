-- Ids for the new articles of a batch, from the sequence the column default uses, so their
-- keywords, entities and figures can be COPYed together with them.
SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, %(n)s);
