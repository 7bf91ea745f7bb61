-- How well extraction went, per site and edition day: what wxrb_daily's quality checks and its
-- extraction drift check read. The day is the article's publication day (Asia/Shanghai), else the
-- day it was first seen. Rates are shares of the day's articles (0..1).
DROP VIEW IF EXISTS article_quality_per_day CASCADE;
CREATE VIEW article_quality_per_day AS
SELECT site,
       coalesce((published_at AT TIME ZONE 'Asia/Shanghai')::date,
                (first_seen_at AT TIME ZONE 'Asia/Shanghai')::date) AS day,
       count(*) AS articles,
       avg((coalesce(title, '') = '')::int)::float8                  AS title_null_rate,
       avg((published_at IS NULL)::int)::float8                      AS published_at_null_rate,
       avg((coalesce(body, '') = '')::int)::float8                   AS body_null_rate,
       min(char_count)                                              AS min_body_chars,
       max(char_count)                                              AS max_body_chars,
       count(*) FILTER (WHERE body ~ '(版权所有|版權所有|ICP备|ICP備|新闻信息服务许可证|新聞信息服務許可證|Copyright\(C\)|苏新网备|蘇新網備)')
                                                                    AS bodies_with_footer,
       count(*) FILTER (WHERE strpos(coalesce(kicker, '') || title || coalesce(subtitle, '') || body, U&'\FFFD') > 0)
                                                                    AS texts_with_replacement_char,
       -- fill rates, watched for drift (a redesign empties a field on one site)
       avg((coalesce(title, '') <> '')::int)::float8                 AS title_fill,
       avg((published_at IS NOT NULL)::int)::float8                  AS published_at_fill,
       avg((char_count >= 20)::int)::float8                          AS body_fill,
       avg((cardinality(authors) > 0)::int)::float8                  AS authors_fill,
       avg((coalesce(source, '') <> '')::int)::float8                AS source_fill,
       avg((coalesce(channel, '') <> '')::int)::float8               AS channel_fill,
       avg((coalesce(editor, '') <> '')::int)::float8                AS editor_fill,
       avg((coalesce(kicker, '') <> '')::int)::float8                AS kicker_fill,
       avg((coalesce(subtitle, '') <> '')::int)::float8              AS subtitle_fill,
       avg((coalesce(page_no, '') <> '')::int)::float8               AS page_no_fill,
       avg((coalesce(lead, '') <> '')::int)::float8                  AS lead_fill,
       avg((jsonb_array_length(images) > 0)::int)::float8            AS images_fill
  FROM articles
 GROUP BY 1, 2;

COMMENT ON VIEW article_quality_per_day IS 'Extraction quality per site and day (publication day, Asia/Shanghai, else first seen): null rates, body length bounds, footer and U+FFFD counts, and the fill rate of each field (the drift check compares them with the trailing days).';
