-- Keywords against this corpus: an IDF table computed from the articles themselves (versioned,
-- recomputed by the DAG wxrb_corpus_idf), TextRank beside TF-IDF, and the model version of every
-- stored keyword.
CREATE TABLE corpus_idf_versions (
    version     text        PRIMARY KEY,
    computed_at timestamptz NOT NULL DEFAULT now(),
    articles    integer     NOT NULL,
    terms       integer     NOT NULL
);
COMMENT ON TABLE corpus_idf_versions IS 'Each computation of the corpus IDF table; the newest one is used for new keywords.';
COMMENT ON COLUMN corpus_idf_versions.version IS 'YYYYMMDDHHMMSSffffff-<articles>: when it was computed (UTC) and from how many articles.';
COMMENT ON COLUMN corpus_idf_versions.computed_at IS 'When the table was computed.';
COMMENT ON COLUMN corpus_idf_versions.articles IS 'Articles the document frequencies were counted over.';
COMMENT ON COLUMN corpus_idf_versions.terms IS 'Distinct jieba tokens in the table.';

CREATE TABLE corpus_idf (
    version text    NOT NULL REFERENCES corpus_idf_versions (version) ON DELETE CASCADE,
    term    text    NOT NULL,
    df      integer NOT NULL,
    idf     real    NOT NULL,
    PRIMARY KEY (version, term)
);
COMMENT ON TABLE corpus_idf IS 'Inverse document frequency of every token of the corpus, per version.';
COMMENT ON COLUMN corpus_idf.df IS 'Articles whose title or body holds the token.';
COMMENT ON COLUMN corpus_idf.idf IS 'ln(articles / df): rare tokens weigh more.';

ALTER TABLE article_keywords ADD COLUMN model_version text;
COMMENT ON COLUMN article_keywords.method IS 'tfidf_corpus: TF-IDF with the corpus IDF (model_version names it); tfidf_jieba: TF-IDF with jieba''s bundled IDF, used until the corpus has enough articles; textrank_jieba: jieba TextRank over nouns, place and organisation names and verbal nouns.';
COMMENT ON COLUMN article_keywords.model_version IS 'The corpus IDF version for tfidf_corpus, the jieba version otherwise.';
