-- Staging tables for the stored articles of a batch that differ (processing.load), dropped at commit.
CREATE TEMP TABLE articles_staging ON COMMIT DROP AS
SELECT url, site, doc_id, channel, page_no, page_name, kicker, title, subtitle, published_at,
       published_at_source, source, authors, photographers, editor, lead, body, paragraphs, images,
       char_count, parser, parser_version, content_hash, cleaning, original_text,
       encoding_declared, encoding_used, garble_ratio, first_seen_at, raw_page_id,
       tokens_version, title_tokens, body_tokens, minhash, nlp_version
  FROM articles WITH NO DATA;
CREATE TEMP TABLE keywords_staging (url text, keyword text, weight real, method text, rank integer,
    model_version text)
    ON COMMIT DROP;
CREATE TEMP TABLE entities_staging (url text, kind text, name text, mentions integer, role text)
    ON COMMIT DROP;
CREATE TEMP TABLE figures_staging (url text, ordinal integer, what text, value numeric, unit text,
    kind text, qualifier text, raw text, display_value numeric, magnitude text, sentence text)
    ON COMMIT DROP;
