-- search_articles() ranked every matching article before keeping the best max_rows. For a common
-- word (企业 is in about 40% of all articles) that is hundreds of thousands of ts_rank_cd calls,
-- each reading a wide row: seconds at a million articles (docs/performance.md).
--
-- Now it ranks at most the 500 newest matches (max_rows, if larger). A query with fewer matches
-- gets exactly the old answer; a common word gets the best of its newest 500, which for news is
-- what a reader wants. To find the newest 500 without reading every match, it first looks at the
-- last 7 days before the newest article in range, where PostgreSQL combines the GIN index with
-- articles_published_at_idx. If that window holds fewer than 500 matches, the count tells how
-- dense the words are, and the next window is made wide enough to hold 500 (with a margin); the
-- first window that does holds the newest 500. A word with no match in the last week, or a window
-- that reaches past `since`, goes to the unbounded query, which few matches keep cheap.
-- Statements are EXECUTEd so that each is planned with the words' real frequency.
CREATE OR REPLACE FUNCTION search_articles(words text, since date DEFAULT NULL, until date DEFAULT NULL,
                                           max_rows integer DEFAULT 20)
RETURNS TABLE (article_id bigint, url text, title text, published_at timestamptz, site text,
               channel text, rank real)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    q            tsquery     := plainto_tsquery('simple', words);
    lower_end    timestamptz := since::timestamp AT TIME ZONE 'Asia/Shanghai';
    upper_end    timestamptz := (until + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
    candidates   integer     := greatest(max_rows, 500);
    newest       timestamptz;
    span         interval    := interval '7 days';
    found        integer;
    ids          bigint[];
BEGIN
    IF numnode(q) = 0 THEN
        RETURN;
    END IF;
    SELECT max(a.published_at) INTO newest FROM articles a
     WHERE upper_end IS NULL OR a.published_at < upper_end;
    FOR attempt IN 1..3 LOOP
        EXIT WHEN newest IS NULL OR (lower_end IS NOT NULL AND newest - span <= lower_end);
        EXECUTE 'SELECT array_agg(id) FROM (SELECT a.id FROM articles a
                  WHERE a.search_vector @@ $1 AND a.published_at >= $2 AND a.published_at <= $3
                  ORDER BY a.published_at DESC LIMIT $4) s'
           INTO ids USING q, newest - span, newest, candidates;
        found := coalesce(cardinality(ids), 0);
        EXIT WHEN found >= candidates;
        ids := NULL;
        EXIT WHEN found = 0;  -- a rare word: the unbounded query is cheap
        span := span * least(64, ceil(1.5 * candidates / found));
    END LOOP;
    IF ids IS NULL THEN
        EXECUTE 'SELECT array_agg(id) FROM (SELECT a.id FROM articles a
                  WHERE a.search_vector @@ $1
                    AND ($2::timestamptz IS NULL OR a.published_at >= $2)
                    AND ($3::timestamptz IS NULL OR a.published_at < $3)
                  ORDER BY a.published_at DESC LIMIT $4) s'
           INTO ids USING q, lower_end, upper_end, candidates;
    END IF;
    RETURN QUERY
        SELECT a.id, a.url, a.title, a.published_at, a.site, a.channel, ts_rank_cd(a.search_vector, q)
          FROM articles a
         WHERE a.id = ANY (ids)
         ORDER BY 7 DESC, 4 DESC, 1  -- rank, published_at, id (the names are OUT parameters here)
         LIMIT max_rows;
END
$$;

COMMENT ON FUNCTION search_articles(text, date, date, integer) IS 'Ranked full-text search: words separated by spaces, all required; since/until are Asia/Shanghai dates of published_at. Ranks the newest 500 matches (or max_rows if more), so a common word stays fast.';
