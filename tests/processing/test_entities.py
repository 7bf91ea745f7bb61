"""Entity extraction: rules on small examples, and the hand-labelled evaluation gate.

tests/entities/*.json are replica articles labelled by hand (method: processing/data/README.md).
The floors are measured scores rounded down; raise them when the extractor improves, never
lower them silently.
"""

import json
from pathlib import Path

import pytest

from processing.entities import Entity, extract_entities

LABELLED = Path(__file__).resolve().parents[1] / "entities"
MIN_ARTICLES = 30
# Rows of the score table: what is compared per article, as a set.
ROWS = ("place", "organisation", "person", "person+role")
FLOORS = {  # (precision, recall, F1), measured on 2026-11-24 and rounded down
    "place": (0.99, 0.99, 0.99),
    "organisation": (0.99, 0.77, 0.87),
    "person": (0.99, 0.99, 0.99),
    "person+role": (0.99, 0.99, 0.99),
}


def by_kind(entities: list[Entity], kind: str) -> dict[str, Entity]:
    return {e.name: e for e in entities if e.kind == kind}


# --- places ---------------------------------------------------------------------------------


def test_xi_alone_means_wuxi_in_its_patterns():
    places = by_kind(extract_entities("全省现场会在锡举行，来锡客商和驻锡企业参加。"), "place")
    assert list(places) == ["无锡市"] and places["无锡市"].mentions == 3


def test_longest_name_wins_and_xi_is_not_counted_inside_it():
    places = by_kind(extract_entities("在锡山区召开会议，锡山区鹅湖镇作交流。"), "place")
    assert set(places) == {"锡山区", "鹅湖镇"} and places["锡山区"].mentions == 2


def test_aliases_give_the_normalised_place():
    places = by_kind(extract_entities("持续深化与江阴、惠山、新吴的联动，经开区和锡城同步推进。"), "place")
    assert set(places) == {"江阴市", "惠山区", "新吴区", "无锡经济开发区", "无锡市"}
    assert places["新吴区"].level == "district" and places["新吴区"].parent == "无锡市"


def test_roads_and_words_that_contain_a_name_are_not_places():
    assert not by_kind(extract_entities("在锡沪路和吼山路施工，新安装的设备投用。"), "place")


def test_town_carries_level_and_parent():
    place = by_kind(extract_entities("鹅湖镇创建省级旅游度假区"), "place")["鹅湖镇"]
    assert (place.level, place.parent) == ("town", "锡山区")


# --- organisations --------------------------------------------------------------------------


def test_organisations_by_dictionary_and_suffix():
    text = "江南大学与无锡灵山文化旅游集团有限公司签约，市发改委、市气象台参加。首批入驻的澄远半导体科技有限公司负责人说"
    orgs = by_kind(extract_entities(text), "organisation")
    assert set(orgs) == {
        "江南大学",
        "无锡灵山文化旅游集团有限公司",
        "市发改委",
        "市气象台",
        "澄远半导体科技有限公司",
    }


def test_generic_mentions_are_not_organisations():
    text = "一家家政公司的负责人说，家政行业协会提醒，数据传回监测中心，构建产业集群格局。"
    assert not by_kind(extract_entities(text), "organisation")


def test_place_inside_a_company_name_is_not_a_place():
    entities = extract_entities("吼山半导体科技有限公司外贸部负责人告诉记者")
    assert set(by_kind(entities, "organisation")) == {"吼山半导体科技有限公司"}
    assert not by_kind(entities, "place")


# --- people ---------------------------------------------------------------------------------


def test_people_with_roles():
    text = "锡山区委书记方力带队招商。党委书记、董事长 李四表示，市长 张三出席。方力说"
    people = by_kind(extract_entities(text), "person")
    assert {name: p.role for name, p in people.items()} == {
        "方力": "区委书记",
        "李四": "党委书记、董事长",
        "张三": "市长",
    }
    assert people["方力"].mentions == 2


def test_reporters_and_anonymous_people_are_not_entities():
    text = "（记者 王伟 通讯员 李强）市民马先生说，居民周阿姨说，大学生小顾说。马拉松开赛"
    assert not by_kind(extract_entities(text), "person")


def test_role_is_not_also_an_organisation():
    entities = extract_entities("锡山区委书记方力表示")
    assert not by_kind(entities, "organisation") and set(by_kind(entities, "place")) == {"锡山区"}


# --- evaluation -----------------------------------------------------------------------------


def load_labelled() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(LABELLED.glob("*.json"))]


def gold_and_found(item: dict) -> dict[str, tuple[set, set]]:
    entities = extract_entities(item["text"])
    people = [e for e in entities if e.kind == "person"]
    return {
        "place": (set(item["places"]), set(by_kind(entities, "place"))),
        "organisation": (set(item["organisations"]), set(by_kind(entities, "organisation"))),
        "person": ({p["name"] for p in item["people"]}, {p.name for p in people}),
        "person+role": ({(p["name"], p["role"]) for p in item["people"]}, {(p.name, p.role) for p in people}),
    }


def score(items: list[dict]) -> dict[str, dict[str, float]]:
    """Micro precision, recall and F1 per row, over per-article sets of normalised names."""
    counts = {row: [0, 0, 0] for row in ROWS}  # true positives, found, gold
    for item in items:
        for row, (gold, found) in gold_and_found(item).items():
            counts[row][0] += len(gold & found)
            counts[row][1] += len(found)
            counts[row][2] += len(gold)
    return {row: _prf(*counts[row]) for row in ROWS}


def _prf(hits: int, found: int, gold: int) -> dict[str, float]:
    precision = hits / found if found else 1.0
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": gold}


def table(scores: dict[str, dict[str, float]]) -> str:
    lines = ["| kind | gold | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
    for row, s in scores.items():
        lines.append(f"| {row} | {s['gold']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    return "\n".join(lines)


def test_labelled_set_is_complete_and_well_formed():
    items = load_labelled()
    assert len(items) >= MIN_ARTICLES
    assert len({item["id"] for item in items}) == len(items)
    keys = {"id", "source_url", "text", "places", "organisations", "people"}
    assert all(set(item) == keys and item["text"] for item in items)
    assert any(item["text"].count("方力") >= 2 for item in items)  # the seed article, clean text


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, float]]:
    return score(load_labelled())


@pytest.mark.parametrize("row", ROWS)
def test_scores_stay_above_their_floors(scores, row):
    print("\n" + table(scores))
    floor = dict(zip(("precision", "recall", "f1"), FLOORS[row], strict=True))
    for measure, minimum in floor.items():
        assert scores[row][measure] >= minimum, (row, measure, scores[row][measure])
