-- Document frequency of every token over all articles (title and body tokens), as ln(N / df).
INSERT INTO corpus_idf (version, term, df, idf)
SELECT %(version)s, term, count(*), ln(%(articles)s::real / count(*))
  FROM (SELECT DISTINCT a.id, t.term
          FROM articles a,
               unnest(string_to_array(coalesce(a.title_tokens, '') || ' ' || a.body_tokens, ' ')) AS t(term)
         WHERE a.body_tokens IS NOT NULL AND t.term <> '') per_article
 GROUP BY term;
