-- Upsert the staged articles by URL. updated_at moves only when the content changes;
-- first_seen_at keeps the earliest fetch.
INSERT INTO articles AS a (url, site, doc_id, channel, title, published_at, source, authors, body,
                           paragraphs, char_count, parser, parser_version, content_hash,
                           first_seen_at, raw_page_id)
SELECT url, site, doc_id, channel, title, published_at, source, authors, body,
       paragraphs, char_count, parser, parser_version, content_hash, first_seen_at, raw_page_id
  FROM articles_staging
    ON CONFLICT (url) DO UPDATE SET
       site = excluded.site, doc_id = excluded.doc_id, channel = excluded.channel,
       title = excluded.title, published_at = excluded.published_at, source = excluded.source,
       authors = excluded.authors, body = excluded.body, paragraphs = excluded.paragraphs,
       char_count = excluded.char_count, parser = excluded.parser,
       parser_version = excluded.parser_version, raw_page_id = excluded.raw_page_id,
       first_seen_at = least(a.first_seen_at, excluded.first_seen_at),
       updated_at = CASE WHEN a.content_hash = excluded.content_hash THEN a.updated_at ELSE now() END,
       content_hash = excluded.content_hash
 WHERE (a.content_hash, a.parser, a.parser_version, a.raw_page_id, a.channel, a.published_at,
        a.source, a.authors)
       IS DISTINCT FROM
       (excluded.content_hash, excluded.parser, excluded.parser_version, excluded.raw_page_id,
        excluded.channel, excluded.published_at, excluded.source, excluded.authors);
