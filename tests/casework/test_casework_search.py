"""Search: 2- and 3-character Chinese queries, highlighting, tokenizer properties."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.casework.records import create_record
from app.search import MARK_END, MARK_START, highlight, rebuild, search
from app.search.tokens import index_tokens, match_expression
from tests.casework.helpers import class_students, record


def test_two_and_three_character_queries(session):
    from app.demo import generate_students, insert_students

    ids = insert_students(session, generate_students(5, grades=(7,)))
    create_record(session, record(ids[0], summary="近期失眠，入睡困难。", confidential=""))
    create_record(session, record(ids[1], summary="与同学发生冲突后失落。", confidential="家庭冲突较多"))
    create_record(session, record(ids[2], summary="注意力不集中，上课走神。", confidential=""))
    assert [h.ref_id for h in search(session, "失眠")] == [1]
    assert {h.ref_id for h in search(session, "冲突")} == {2}
    assert [h.ref_id for h in search(session, "注意力")] == [3]
    assert [h.ref_id for h in search(session, "入睡困难")] == [1]
    assert search(session, "眠失") == []          # order matters: a phrase of bigrams, not a bag
    assert search(session, "失眠注意") == []
    assert [h.ref_id for h in search(session, "力")] == [3]    # one character: prefix over bigrams
    assert [h.ref_id for h in search(session, "失落 同学")] == [2]
    hit = search(session, "失眠")[0]
    assert f"{MARK_START}失眠{MARK_END}" in hit.snippet and hit.kind == "individual" and hit.date == "2026-10-11"
    assert search(session, "，。") == [] and search(session, "") == []


def test_rebuild_gives_the_same_answers(school):
    sid = class_students(school)[0]
    create_record(school, record(sid, summary="独一无二的风筝比赛"))
    before = [h.ref_id for h in search(school, "风筝")]
    rebuild(school.db)
    assert [h.ref_id for h in search(school, "风筝")] == before == [max(before)]


def test_highlight_window_and_marks():
    text = "开头" + "很长的文字" * 20 + "失眠问题" + "结尾" * 30
    snip = highlight(text, ["失眠"])
    assert f"{MARK_START}失眠{MARK_END}" in snip and snip.startswith("…") and snip.endswith("…")
    assert highlight("ABC test", ["abc"]) == f"{MARK_START}ABC{MARK_END} test"


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)


@settings(max_examples=200, deadline=None)
@given(st.text(CJK, min_size=2, max_size=30), st.data())
def test_every_substring_is_found(text, data):
    """Property: a substring of ≥ 2 CJK characters is matched by the token phrase (checked with FTS5 itself)."""
    import sqlcipher3.dbapi2 as sqlite

    i = data.draw(st.integers(0, len(text) - 2))
    j = data.draw(st.integers(i + 2, len(text)))
    conn = sqlite.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize='unicode61')")
    conn.execute("INSERT INTO f (rowid, body) VALUES (1, ?)", (index_tokens(text),))
    expr = match_expression(text[i:j])
    assert conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", (expr,)).fetchone()[0] == 1
    other = data.draw(st.text(CJK, min_size=2, max_size=4))
    found = conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", (match_expression(other),)).fetchone()[0]
    assert found == (1 if other in text else 0)
