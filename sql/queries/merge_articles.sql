-- Upsert the staged articles by URL. updated_at moves only when the content changes;
-- first_seen_at keeps the earliest fetch; a row whose every field is unchanged is not touched.
INSERT INTO articles AS a (url, site, doc_id, channel, page_no, page_name, kicker, title, subtitle,
                           published_at, published_at_source, source, authors, photographers,
                           editor, lead, body, paragraphs, images, char_count, parser,
                           parser_version, content_hash, cleaning, original_text,
                           encoding_declared, encoding_used, garble_ratio, first_seen_at,
                           raw_page_id, tokens_version, title_tokens, body_tokens, minhash,
                           nlp_version)
SELECT url, site, doc_id, channel, page_no, page_name, kicker, title, subtitle, published_at,
       published_at_source, source, authors, photographers, editor, lead, body, paragraphs, images,
       char_count, parser, parser_version, content_hash, cleaning, original_text,
       encoding_declared, encoding_used, garble_ratio, first_seen_at, raw_page_id,
       tokens_version, title_tokens, body_tokens, minhash, nlp_version
  FROM articles_staging
    ON CONFLICT (url) DO UPDATE SET
       site = excluded.site, doc_id = excluded.doc_id, channel = excluded.channel,
       page_no = excluded.page_no, page_name = excluded.page_name, kicker = excluded.kicker,
       title = excluded.title, subtitle = excluded.subtitle, published_at = excluded.published_at,
       published_at_source = excluded.published_at_source, source = excluded.source,
       authors = excluded.authors, photographers = excluded.photographers,
       editor = excluded.editor, lead = excluded.lead, body = excluded.body,
       paragraphs = excluded.paragraphs, images = excluded.images,
       char_count = excluded.char_count, parser = excluded.parser,
       parser_version = excluded.parser_version, cleaning = excluded.cleaning,
       original_text = excluded.original_text, encoding_declared = excluded.encoding_declared,
       encoding_used = excluded.encoding_used, garble_ratio = excluded.garble_ratio,
       raw_page_id = excluded.raw_page_id, tokens_version = excluded.tokens_version,
       title_tokens = excluded.title_tokens, body_tokens = excluded.body_tokens,
       minhash = excluded.minhash, nlp_version = excluded.nlp_version,
       -- new content may belong to another story: cluster it again
       story_id = CASE WHEN a.content_hash = excluded.content_hash THEN a.story_id END,
       first_seen_at = least(a.first_seen_at, excluded.first_seen_at),
       updated_at = CASE WHEN a.content_hash = excluded.content_hash THEN a.updated_at ELSE now() END,
       content_hash = excluded.content_hash
 WHERE (a.content_hash, a.parser, a.parser_version, a.raw_page_id, a.channel, a.page_no,
        a.page_name, a.published_at, a.published_at_source, a.source, a.authors, a.photographers,
        a.editor, a.lead, a.images, a.cleaning, a.encoding_declared, a.encoding_used,
        a.garble_ratio, a.first_seen_at, a.tokens_version, a.title_tokens, a.body_tokens,
        a.nlp_version)
       IS DISTINCT FROM
       (excluded.content_hash, excluded.parser, excluded.parser_version, excluded.raw_page_id,
        excluded.channel, excluded.page_no, excluded.page_name, excluded.published_at,
        excluded.published_at_source, excluded.source, excluded.authors, excluded.photographers,
        excluded.editor, excluded.lead, excluded.images, excluded.cleaning,
        excluded.encoding_declared, excluded.encoding_used, excluded.garble_ratio,
        least(a.first_seen_at, excluded.first_seen_at), excluded.tokens_version,
        excluded.title_tokens, excluded.body_tokens, excluded.nlp_version);
