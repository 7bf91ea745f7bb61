-- Keywords per article, several methods side by side.
CREATE TABLE article_keywords (
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    keyword    text   NOT NULL,
    weight     real   NOT NULL,
    method     text   NOT NULL,
    rank       integer NOT NULL,
    PRIMARY KEY (article_id, method, keyword)
);

COMMENT ON TABLE article_keywords IS 'Keywords of each article with their weight; method says how they were computed.';
COMMENT ON COLUMN article_keywords.method IS 'tfidf_jieba: jieba TF-IDF with the dictionary''s built-in IDF table.';
COMMENT ON COLUMN article_keywords.rank IS '1 = strongest keyword of the article for this method.';

CREATE INDEX article_keywords_keyword_idx ON article_keywords (keyword);
