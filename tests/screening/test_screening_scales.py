"""Scale files: JSON Schema over every shipped file, errors naming file and field, golden scores."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import InputRejected
from app.screening.scales import ScaleError, builtin_files, get_scale, load_scale_file
from app.screening.scoring import parse_answers, score, score_total_only

DATA = Path(__file__).parent / "data"


def test_every_shipped_file_passes_the_schema():
    files = builtin_files()
    assert {p.stem for p in files} == {"phq9", "gad7", "observe_g13"}
    for p in files:
        s = load_scale_file(p)
        assert s.id == p.stem
        assert s.source and s.licence
    forbidden = {"sdq", "scl90", "mht"}
    assert not forbidden & {p.stem for p in files}


def test_phq9_and_gad7_bands_are_the_standard_ones():
    phq = get_scale("phq9")
    assert [(b.id, b.min, b.max) for b in phq.bands] == [
        ("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("moderately_severe", 15, 19), ("severe", 20, 27)]
    assert phq.critical_items == (9,)
    gad = get_scale("GAD-7")
    assert [(b.id, b.min, b.max) for b in gad.bands] == [
        ("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)]
    assert "Pfizer" in phq.source and "Pfizer" in gad.licence


def _write(tmp_path: Path, name: str, data: object) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return p


def _phq() -> dict:
    return json.loads((builtin_files()[0].parent / "phq9.json").read_text("utf-8"))


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.pop("bands"), "bands"),
    (lambda d: d["items"][2].update(text=""), "items[2].text"),
    (lambda d: d["options"].__setitem__(0, {"value": "零", "label": "完全不会"}), "options[0].value"),
    (lambda d: d["item_rules"][0].update(item=12), "item_rules[0].item"),
    (lambda d: d["bands"][1].update(min=3), "bands[1].min"),
    (lambda d: d["items"][3].update(n=7), "items[3].n"),
    (lambda d: d.update(rater="teacher"), "rater"),
])
def test_a_bad_file_names_the_file_and_the_field(tmp_path, mutate, field):
    data = _phq()
    mutate(data)
    with pytest.raises(ScaleError) as e:
        load_scale_file(_write(tmp_path, "phq9.json", data))
    assert "phq9.json" in e.value.message
    assert field in e.value.message


def test_id_must_match_the_file_name_and_json_must_parse(tmp_path):
    with pytest.raises(ScaleError, match="mine.json.*字段 id"):
        load_scale_file(_write(tmp_path, "mine.json", _phq()))
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": "broken",', "utf-8")
    with pytest.raises(ScaleError, match="broken.json.*第 1 行"):
        load_scale_file(bad)


# -- golden scores -------------------------------------------------------------------------------
PHQ9_GOLDEN = [
    ([0] * 9, 0, "minimal", False),
    ([1] * 9, 9, "mild", True),
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild", False),
    ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate", False),
    ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately_severe", False),
    ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe", False),
    ([3] * 9, 27, "severe", True),
    ([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "minimal", True),
]


@pytest.mark.parametrize("answers, total, band, critical", PHQ9_GOLDEN)
def test_phq9_golden(answers, total, band, critical):
    r = score(get_scale("phq9"), answers)
    assert (r.total, r.band, r.critical) == (total, band, critical)
    assert r.band_label
    assert r.positive == (total >= 10)


@pytest.mark.parametrize("answers, total, band", [
    ([0] * 7, 0, "minimal"), ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"), ([1] * 7, 7, "mild"),
    ([2, 2, 2, 2, 2, 0, 0], 10, "moderate"), ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"), ([3, 3, 3, 2, 2, 1, 1], 15, "severe"),
    ([3] * 7, 21, "severe"),
])
def test_gad7_golden(answers, total, band):
    r = score(get_scale("gad7"), answers)
    assert (r.total, r.band, r.critical) == (total, band, False)


def test_missing_answers_follow_the_validity_rule():
    phq = get_scale("phq9")
    r = score(phq, [2, 2, 2, 2, None, 2, 2, 2, 0])  # 14 over 8 answered -> 14/8*9 = 15.75 -> 16
    assert r.total == 16 and r.prorated and r.missing == 1 and r.band == "moderately_severe"
    r = score(phq, [1, 1, 1, 1, 1, 1, 1, None, None])  # 7 over 7 -> 9
    assert r.total == 9
    with pytest.raises(InputRejected, match="缺答 3 题"):
        score(phq, [1, 1, 1, 1, 1, 1, None, None, None])
    r = score(phq, [0, 0, 0, 0, 0, 0, 0, 1, None])  # the critical item unanswered is flagged, not critical
    assert not r.critical and "critical_item_missing" in [f.id for f in r.flags]
    gad = get_scale("gad7")
    with pytest.raises(InputRejected, match="缺答 2 题"):
        score(gad, [1, 1, 1, 1, 1, None, None])


def test_wrong_count_and_out_of_range_are_rejected():
    with pytest.raises(InputRejected, match="共 9 题，收到 2 个"):
        score(get_scale("phq9"), [1, 1])
    with pytest.raises(InputRejected, match="第3题的答案 4 超出范围"):
        score(get_scale("phq9"), [0, 0, 4, 0, 0, 0, 0, 0, 0])
    assert parse_answers("0,1,,3") == [0, 1, None, 3]
    assert parse_answers("０，１，２") == [0, 1, 2]


def test_observation_form_reverse_item_and_flags():
    obs = get_scale("observe_g13")
    assert obs.grades == (1, 2, 3) and obs.rater == "head_teacher_or_parent" and not obs.clinical
    r = score(obs, [0, 0, 0, 0, 0, 0, 0, 0, 0, 3])  # always gets on with classmates: reverse item scores 0
    assert r.total == 0 and r.flags == () and r.band is None
    r = score(obs, [2, 0, 0, 0, 0, 0, 2, 0, 0, 0])  # never gets on: reverse item scores 3, flagged
    assert r.total == 7
    assert {f.id for f in r.flags} == {"low_mood", "withdrawn", "peer_difficulty"}
    assert r.subscales == {"emotion": 2, "behaviour": 0, "social": 5}
    r = score(obs, [0, 0, 0, 0, 0, 0, 0, 0, 1, 3])
    assert r.critical


def test_reverse_keyed_mean_scale_from_a_test_file():
    s = load_scale_file(DATA / "reverse_demo.json")
    r = score(s, [4, 1, 3, 2])  # reversed: 4, 4, 3, 3 -> mean 3.5
    assert r.total == 3.5 and r.band == "high" and r.critical
    assert r.subscales == {"mood": 4.0, "social": 3.0}  # subscales default to the scale's method (mean)
    r = score(s, [1, 4, 1, None])  # reversed 1, 1, 1 -> mean 1
    assert r.total == 1 and r.band == "low"


def test_totals_only():
    r = score_total_only(get_scale("phq9"), 16)
    assert r.band == "moderately_severe" and not r.critical and r.flags[0].id == "totals_only"
    with pytest.raises(InputRejected, match="超出"):
        score_total_only(get_scale("phq9"), 28)
