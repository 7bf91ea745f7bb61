-- Full-text search: jieba tokens of title and body (search mode, so 锡山区 is also found as
-- 锡山), a tsvector over them with the `simple` configuration (Chinese has no stemming and
-- no spaces: the tokens are the words), a GIN index, and a ranked search function.
ALTER TABLE articles
    ADD COLUMN tokens_version text,
    ADD COLUMN title_tokens   text,
    ADD COLUMN body_tokens    text,
    ADD COLUMN search_vector  tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title_tokens, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body_tokens, '')), 'B')
    ) STORED;

COMMENT ON COLUMN articles.tokens_version IS 'Tokenizer and dictionary versions that produced title_tokens and body_tokens; reprocess to rebuild after a dictionary change.';
COMMENT ON COLUMN articles.title_tokens IS 'jieba search-mode tokens of the title, separated by spaces.';
COMMENT ON COLUMN articles.body_tokens IS 'jieba search-mode tokens of the body, separated by spaces.';
COMMENT ON COLUMN articles.search_vector IS 'tsvector (simple) of the tokens, title weighted A, body B; use search_articles() or @@ plainto_tsquery(''simple'', ''词 词'').';

CREATE INDEX articles_search_idx ON articles USING gin (search_vector);

-- Words separated by spaces ('锡山区 专精特新'); every word must occur. `wxrb search` segments a
-- phrase with jieba first, so there it can be written without spaces.
CREATE FUNCTION search_articles(words text, since date DEFAULT NULL, until date DEFAULT NULL,
                                max_rows integer DEFAULT 20)
RETURNS TABLE (article_id bigint, url text, title text, published_at timestamptz, site text,
               channel text, rank real)
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.url, a.title, a.published_at, a.site, a.channel,
           ts_rank_cd(a.search_vector, q) AS rank
      FROM articles a, plainto_tsquery('simple', words) q
     WHERE a.search_vector @@ q
       AND (since IS NULL OR a.published_at >= since::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND (until IS NULL OR a.published_at < (until + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
     ORDER BY rank DESC, a.published_at DESC, a.id
     LIMIT max_rows
$$;

COMMENT ON FUNCTION search_articles(text, date, date, integer) IS 'Ranked full-text search: words separated by spaces, all required; since/until are Asia/Shanghai dates of published_at.';
