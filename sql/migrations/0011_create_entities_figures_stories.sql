-- What the articles are about: places (with their parents), organisations and people per
-- article; the figures they report; and story clusters linking copies of one story on the
-- portal and in print. All derived by processing from the article text (docs/analyst-guide.md).

-- The gazetteer (processing/data/gazetteer.csv), refreshed by every processing run.
CREATE TABLE places (
    name      text PRIMARY KEY,
    level     text   NOT NULL CHECK (level IN ('city', 'district', 'county_city', 'town', 'street', 'place')),
    parent    text   REFERENCES places (name) DEFERRABLE INITIALLY DEFERRED,
    ancestors text[] NOT NULL DEFAULT '{}',
    aliases   text[] NOT NULL DEFAULT '{}',
    version   text   NOT NULL
);
COMMENT ON TABLE places IS 'Wuxi administrative divisions and major places (the gazetteer), with their hierarchy.';
COMMENT ON COLUMN places.level IS 'city, district, county_city (江阴市, 宜兴市), town, street (街道), place (lakes, landmarks, parks).';
COMMENT ON COLUMN places.parent IS 'The enclosing place: 鹅湖镇 -> 锡山区 -> 无锡市.';
COMMENT ON COLUMN places.ancestors IS 'Every enclosing place, nearest first: {锡山区,无锡市} for 鹅湖镇.';
COMMENT ON COLUMN places.aliases IS 'Other spellings matched in text (锡 for 无锡市 only in 在锡, 来锡 …).';
COMMENT ON COLUMN places.version IS 'Gazetteer version that wrote the row.';

CREATE TABLE article_entities (
    article_id bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       text    NOT NULL CHECK (kind IN ('place', 'organisation', 'person')),
    name       text    NOT NULL,
    mentions   integer NOT NULL CHECK (mentions > 0),
    role       text,
    PRIMARY KEY (article_id, kind, name)
);
COMMENT ON TABLE article_entities IS 'Places, organisations and people named in an article, with how often.';
COMMENT ON COLUMN article_entities.kind IS 'place (a name of places.name), organisation, or person.';
COMMENT ON COLUMN article_entities.name IS 'Normalised name: the gazetteer name for places (新吴 -> 新吴区), as written otherwise.';
COMMENT ON COLUMN article_entities.mentions IS 'How many times the article names it.';
COMMENT ON COLUMN article_entities.role IS 'For people, the title the text gives: 区委书记 for 区委书记方力; null when none.';
CREATE INDEX article_entities_kind_name_idx ON article_entities (kind, name);

CREATE TABLE article_figures (
    article_id    bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ordinal       integer NOT NULL,
    what          text,
    value         numeric NOT NULL,
    unit          text    NOT NULL,
    kind          text    NOT NULL,
    qualifier     text,
    raw           text    NOT NULL,
    display_value numeric NOT NULL,
    magnitude     text,
    sentence      text    NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);
COMMENT ON TABLE article_figures IS 'Numeric facts in an article: 全年新增省级以上专精特新企业78家 -> (新增省级以上专精特新企业, 78, 家).';
COMMENT ON COLUMN article_figures.ordinal IS 'Position of the figure in the article, 1 = first.';
COMMENT ON COLUMN article_figures.what IS 'What the number counts or measures (the noun phrase before it); null when unsure.';
COMMENT ON COLUMN article_figures.value IS 'The number in the base unit: 35万平方米 -> 350000; 10亿元 -> 1000000000; growth in percent, negative for 下降.';
COMMENT ON COLUMN article_figures.unit IS 'Base unit: 家, 个, 元, 平方米, 亩, 公里, 吨, 人, 人次, %, 倍 …';
COMMENT ON COLUMN article_figures.kind IS 'count, amount, area, length, weight, power, energy, duration, percent, growth, share, points, ratio.';
COMMENT ON COLUMN article_figures.qualifier IS '约, 近, 超, 最高, 不足, 至少, 余, 多, 以上, 以下, 以内; null when exact.';
COMMENT ON COLUMN article_figures.raw IS 'The figure as written, e.g. 35万平方米.';
COMMENT ON COLUMN article_figures.display_value IS 'The number as written, before 万/亿: 35 for 35万.';
COMMENT ON COLUMN article_figures.magnitude IS '万, 亿, 万亿, 千 as written; null when none.';
COMMENT ON COLUMN article_figures.sentence IS 'The sentence the figure came from.';
CREATE INDEX article_figures_what_idx ON article_figures (what);

ALTER TABLE articles
    ADD COLUMN story_id  bigint,
    ADD COLUMN minhash   bytea,
    ADD COLUMN nlp_version text;
COMMENT ON COLUMN articles.story_id IS 'Story cluster: the smallest article id among the copies of one story (portal and print); equal to id when the article stands alone. Null until clustered.';
COMMENT ON COLUMN articles.minhash IS 'MinHash signature of title and body (128 x uint64, processing/dedup.py) used to find copies.';
COMMENT ON COLUMN articles.nlp_version IS 'Versions of the dictionaries, gazetteer and extractors that produced keywords, entities and figures.';
CREATE INDEX articles_story_idx ON articles (story_id);
