"""Places, organisations and people named in an article's text (database-free).

Places come from the Wuxi gazetteer (processing/data/gazetteer.csv): full names and aliases,
longest match first, so 锡山区 never also counts 锡山 or 锡. A short alias must sit on jieba token
boundaries (新安 in 在新安举行, not in 新安装); 锡 alone counts only after 在/来/驻/赴… (在锡举行).
Organisations are the user dictionary's ``nt`` words (市委, 江南大学; jieba's own ``nt`` list holds
generic words like 上市公司) plus names ending in an organisation suffix (…有限公司, …局, …大学),
extended leftwards over name-like jieba tokens from a place or name anchor (市气象台, not 一家家政公司). People are a role or title followed by a
name (区委书记方力, 党委书记、董事长李四) and jieba ``nr`` names; reporters are never entities.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from processing import dictionaries, nlp

KINDS = ("place", "organisation", "person")

# 锡 alone means Wuxi only right after these verbs/prepositions (在锡举行, 来锡, 驻锡企业) …
XI_ALIAS = "锡"
XI_BEFORE = set("在来驻赴抵返回留离")
# … and not when it starts a road, an opera or another name (在锡沪路, 在锡剧院).
XI_NOT_BEFORE = set("沪虞澄宜张暨东西南北惠剧山铁箔矿纸")
# Inside a company's name a place is its trade name (吼山半导体科技有限公司), except for a full
# administrative name (江阴市…有限公司); an institution's place prefix (玉祁社区医院) is a place.
COMPANY_NAME_ENDINGS = ("公司", "集团")
ADMIN_LEVELS = ("city", "district", "county_city", "town", "street")
# A place name followed by these names a road or bridge (吼山路, 蠡湖大道), not the place.
ROAD_AFTER = ("路", "大道", "大街", "高速", "大桥", "隧道")
# Two-character names (太湖, 吼山) must sit on jieba token boundaries, like aliases.
SHORT_NAME = 2

ORG_SUFFIXES = (
    "公司", "集团", "委员会", "研究院", "研究所", "大学", "学院", "中学", "小学", "学校", "幼儿园",
    "医院", "银行", "协会", "商会", "联合会", "中心", "博物院", "博物馆", "美术馆", "图书馆", "气象台",
    "法院", "检察院", "局", "委", "办",
)  # fmt: skip
# Words ending in a suffix that are not organisations (布局, 举办, 中心 on its own).
NOT_ORG_WORDS = frozenset(
    "格局 布局 结局 大局 全局 开局 当局 主办 承办 协办 举办 创办 开办 督办 筹办 代办 中心 中小学".split()
)
NAME_POS = ("n", "nz", "ns", "nr", "nt", "j", "a", "eng", "nrt", "nrfg", "vn", "ng", "g")  # ng, g: 锡/芯
# A suffix word that jieba reads as a verb or adverb is not a name's end (全程帮办).
NOT_SUFFIX_POS = ("v", "d")
ANCHOR_POS = ("ns", "nr", "nz", "nt", "j", "eng", "nrt", "nrfg")
ANCHOR_WORDS = frozenset("市 区 县 省 镇 街道 中共 国家 江苏".split())
# Words jieba tags ns that do not name a place here (新建小学, 上市公司).
NOT_ANCHORS = frozenset("新建 上市 新区 城乡 改扩建".split())
MAX_ORG_TOKENS = 6
# Company names are a trade name + industry + suffix, so two tokens before it are enough.
COMPANY_SUFFIXES = ("有限公司", "集团")

TITLES = (
    "党总支书记", "党委书记", "党组书记", "市委书记", "区委书记", "县委书记", "副书记", "书记",
    "副市长", "市长", "副区长", "区长", "县长", "镇长", "副主任", "主任", "副局长", "局长",
    "董事长", "总经理", "副总经理", "总裁", "校长", "院长", "所长", "主席", "秘书长", "部长",
    "会长", "理事长", "作家", "教授", "研究员", "院士", "教练", "运动员", "传承人", "馆长",
)  # fmt: skip
REPORTER_TITLES = ("见习记者", "晚报记者", "摄影记者", "记者", "通讯员", "责任编辑", "编辑")
_TITLE = "(?:" + "|".join(TITLES) + ")"
ROLE = re.compile(rf"(?P<role>{_TITLE}(?:[、和]{_TITLE})*)\s?")  # 党委书记、董事长 李四
REPORTER = re.compile("(?:" + "|".join(REPORTER_TITLES) + ")[:：]?\\s?")
SURNAMES = set(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡丁魏薛叶余"
    "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆孔白崔康秦江史顾侯邵孟钱汤尹华浦过荣俞倪严龚万段雷"
)
# 周阿姨, 马先生, 小顾: people the story keeps anonymous, not named entities.
ANONYMOUS_AFTER = ("先生", "女士", "阿姨", "老伯", "大姐", "大爷", "阿婆", "师傅", "老师")
# A jieba nr followed by these names a housing estate or a road (金桂苑社区), not a person.
NOT_PERSON_AFTER = ("社区", "小区", "村", "路", "街")
NOT_NAME_ENDINGS = ("儿",)  # 专业范儿


@dataclass(frozen=True)
class Entity:
    kind: str  # one of KINDS
    name: str  # normalised: the gazetteer name for places
    mentions: int
    level: str | None = None  # places: gazetteer level
    parent: str | None = None  # places: the enclosing place
    role: str | None = None  # people: 区委书记, 党委书记、董事长 …


@dataclass(frozen=True)
class _Token:
    word: str
    pos: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.word)


def extract_entities(text: str) -> list[Entity]:
    """Places, then organisations, then people, each in order of first mention."""
    tokens = _tokens(text)
    people = _people(text, tokens)
    orgs = _organisations(tokens, [span for _, role, span in people if role])
    org_spans = [span for _, span in orgs]
    people = [p for p in people if p[1] or not _within(p[2], org_spans)]  # 梁锦 in 梁锦物联网…公司
    company_spans = [span for name, span in orgs if name.endswith(COMPANY_NAME_ENDINGS)]
    places = _places(text, tokens, company_spans)
    return _place_entities(places) + _org_entities(orgs) + _person_entities(people, text)


def _within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _tokens(text: str) -> list[_Token]:
    tokens, at = [], 0
    for pair in nlp.pos_tokens(text):  # shared with TextRank: one segmentation per article
        tokens.append(_Token(pair.word, pair.flag, at))
        at += len(pair.word)
    return tokens


# --- places ---------------------------------------------------------------------------------


@functools.cache
def _place_table() -> dict[str, tuple[dictionaries.Place, bool]]:
    """surface -> (place, is_alias)."""
    table: dict[str, tuple[dictionaries.Place, bool]] = {}
    for place in dictionaries.gazetteer():
        for alias in place.aliases:
            if alias != XI_ALIAS:
                table.setdefault(alias, (place, True))
    for place in dictionaries.gazetteer():
        table[place.name] = table[place.normalised] = (place, False)
    return table


@functools.cache
def _surface_lengths() -> dict[str, tuple[int, ...]]:
    """first character -> lengths (two or more, longest first) of the surfaces starting with it:
    most characters start no place name, and _place_at then tries no slice at all."""
    lengths: dict[str, set[int]] = {}
    for surface in _place_table():
        if len(surface) > 1:
            lengths.setdefault(surface[0], set()).add(len(surface))
    return {char: tuple(sorted(found, reverse=True)) for char, found in lengths.items()}


def _places(
    text: str, tokens: list[_Token], company_spans: list[tuple[int, int]]
) -> list[dictionaries.Place]:
    starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
    found, i = [], 0
    while i < len(text):
        match = _place_at(text, i, starts, ends)
        if not match:
            i += 1
            continue
        place, length, is_alias = match
        if not _within((i, i + length), company_spans) or (not is_alias and place.level in ADMIN_LEVELS):
            found.append(place)
        i += length
    return found


def _place_at(text: str, i: int, starts: set[int], ends: set[int]):
    """(place, length, is_alias) of the longest gazetteer surface at ``i``, or None."""
    table = _place_table()
    for length in _surface_lengths().get(text[i], ()):
        hit = i + length <= len(text) and table.get(text[i : i + length])
        if hit and _fits(text, i, length, hit[1], i in starts and i + length in ends):
            return hit[0], length, hit[1]
    if _is_xi_alias(text, i):
        return dictionaries.gazetteer_index()["无锡市"], 1, True
    return None


def _fits(text: str, i: int, length: int, is_alias: bool, aligned: bool) -> bool:
    """Aliases and two-character names on token boundaries; never the start of a road name."""
    return (aligned or not (is_alias or length <= SHORT_NAME)) and not text.startswith(ROAD_AFTER, i + length)


def _is_xi_alias(text: str, i: int) -> bool:
    after = text[i + 1] if i + 1 < len(text) else ""
    return text[i] == XI_ALIAS and i > 0 and text[i - 1] in XI_BEFORE and after not in XI_NOT_BEFORE


def _place_entities(places: list[dictionaries.Place]) -> list[Entity]:
    counts = Counter(p.normalised for p in places)
    first = {p.normalised: p for p in reversed(places)}
    return [
        Entity("place", name, counts[name], level=first[name].level, parent=first[name].parent)
        for name in dict.fromkeys(p.normalised for p in places)
    ]


# --- organisations --------------------------------------------------------------------------


def _organisations(tokens: list[_Token], person_spans) -> list[tuple[str, tuple[int, int]]]:
    """(name, (start, end)) per mention; a role's title (锡山区委书记) is not an organisation."""
    found = []
    for k, token in enumerate(tokens):
        if token.word in dictionaries.user_words("nt"):
            span = (token.start, token.end)
        elif _is_org_suffix(token.word) and not token.pos.startswith(NOT_SUFFIX_POS):
            span = _org_span(tokens, k)
        else:
            continue
        if span and not any(a < span[1] and span[0] < b for a, b in person_spans):
            found.append((_span_text(tokens, span), span))
    return [(name, span) for name, span in found if not _inside_other(span, found)]


def _inside_other(span: tuple[int, int], found: list[tuple[str, tuple[int, int]]]) -> bool:
    return any(o != span and o[0] <= span[0] and span[1] <= o[1] for _, o in found)


def _is_org_suffix(word: str) -> bool:
    return word not in NOT_ORG_WORDS and word.endswith(ORG_SUFFIXES)


def _org_span(tokens: list[_Token], k: int) -> tuple[int, int] | None:
    """The organisation ending with token ``k``: name-like tokens to its left, from an anchor."""
    first, in_company = k, tokens[k].word.endswith(COMPANY_SUFFIXES)
    while first > 0 and k - first < MAX_ORG_TOKENS and _name_like(tokens[first - 1], in_company):
        first -= 1
    company = in_company and k - first >= 2
    while first < k and not company and not _is_anchor(tokens[first]):
        first += 1
    if first == k and not company:
        return None
    return tokens[first].start, tokens[k].end


def _name_like(token: _Token, in_company: bool) -> bool:
    """Part of a name; a company's name may hold another suffix (…文化旅游集团有限公司)."""
    word = token.word
    suffix_ok = in_company or not _is_org_suffix(word)
    return token.pos in NAME_POS and word not in dictionaries.stopwords() and suffix_ok


def _is_anchor(token: _Token) -> bool:
    return token.word in ANCHOR_WORDS or (token.pos in ANCHOR_POS and token.word not in NOT_ANCHORS)


def _span_text(tokens: list[_Token], span: tuple[int, int]) -> str:
    return "".join(t.word for t in tokens if span[0] <= t.start and t.end <= span[1])


def _org_entities(orgs: list[tuple[str, tuple[int, int]]]) -> list[Entity]:
    counts = Counter(name for name, _ in orgs)
    return [Entity("organisation", name, counts[name]) for name in counts]


# --- people ---------------------------------------------------------------------------------


def _people(text: str, tokens: list[_Token]) -> list[tuple[str, str | None, tuple[int, int]]]:
    """(name, role, span of role + name) per mention; reporters' names are skipped."""
    by_start = {t.start: t for t in tokens}
    reporters = {m.end() for m in REPORTER.finditer(text)}
    found, taken = [], set()
    for match in ROLE.finditer(text):
        name = _name_at(by_start.get(match.end()), text)
        if name and match.start() not in reporters:
            found.append((name, match.group("role"), (match.start(), match.end() + len(name))))
            taken.add(match.end())
    for token in tokens:
        if token.start not in taken and token.start not in reporters and _is_named_person(token, text):
            found.append((token.word, None, (token.start, token.end)))
    return sorted(found, key=lambda item: item[2])


def _name_at(token: _Token | None, text: str) -> str | None:
    """A person's name starting at ``token``: jieba ``nr``, or a surname plus one or two chars."""
    if token is None or token.word in dictionaries.stopwords():
        return None
    if _is_named_person(token, text) or (
        2 <= len(token.word) <= 3 and token.word[0] in SURNAMES and token.pos in ("n", "nr", "nz", "x")
    ):
        return token.word
    return None


def _is_named_person(token: _Token, text: str) -> bool:
    word = token.word
    if not token.pos.startswith("nr") or not 2 <= len(word) <= 4 or word[0] not in SURNAMES:
        return False
    if _jieba_frequency(word):  # a dictionary word tagged nr (马拉松, 康复), not a found name
        return False
    anonymous = word.endswith(ANONYMOUS_AFTER) or text.startswith(ANONYMOUS_AFTER, token.end)
    not_a_name = word.endswith(NOT_NAME_ENDINGS) or text.startswith(NOT_PERSON_AFTER, token.end)
    return not (anonymous or not_a_name) and word not in _place_table()


def _jieba_frequency(word: str) -> int:
    return nlp._jieba().dt.FREQ.get(word) or 0


def _person_entities(people: list[tuple[str, str | None, tuple[int, int]]], text: str) -> list[Entity]:
    """Once a name is known (区委书记方力), every later 方力 is a mention, however jieba cut it."""
    counts = Counter(name for name, _, _ in people)
    roles = {name: role for name, role, _ in people if role}
    return [
        Entity("person", name, max(counts[name], text.count(name)), role=roles.get(name)) for name in counts
    ]
