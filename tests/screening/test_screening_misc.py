"""A school's own scale file, the demo data, statistics and charts."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from app.errors import InputRejected
from app.screening.custom_scales import add_scale_file
from app.screening.scales import ScaleError, all_scales, get_scale
from app.screening.scoring import score

DATA = Path(__file__).parent / "data"


def test_a_school_adds_its_own_scale(session, tmp_path):
    f = shutil.copy(DATA / "reverse_demo.json", tmp_path / "reverse_demo.json")
    s = add_scale_file(session, Path(f))
    assert not s.builtin and "reverse_demo" in all_scales(session.db)
    assert "reverse_demo" not in all_scales()  # without a vault: the shipped scales only
    assert score(get_scale("reverse_demo", session.db), [4, 1, 3, 2]).total == 3.5
    phq = tmp_path / "phq9.json"
    from app.screening.scales import SCALES_DIR

    shutil.copy(SCALES_DIR / "phq9.json", phq)
    with pytest.raises(InputRejected, match="内置量表重复"):
        add_scale_file(session, phq)
    data = json.loads((DATA / "reverse_demo.json").read_text("utf-8"))
    data["validity"]["max_missing"] = 9
    bad = tmp_path / "reverse_demo.json"
    bad.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ScaleError, match="reverse_demo.json.*validity.max_missing"):
        add_scale_file(session, bad)
    assert session.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'edit'") >= 1


def test_demo_is_fast_and_realistic(session):
    from app.demo import populate_school

    t = time.perf_counter()
    populate_school(session, n_students=600, grades=(2, 3, 7, 8))
    assert time.perf_counter() - t < 6  # the whole school; the screening part is a fraction of it
    db = session.db
    levels = dict(db.query("SELECT level, count(*) FROM screening_levels WHERE level IS NOT NULL GROUP BY level"))
    assert set(levels) == {1, 2, 3}
    statuses = {r[0] for r in db.query("SELECT DISTINCT status FROM screening_levels")}
    assert {"pending_review", "confirmed"} <= statuses
    assert db.scalar("SELECT count(*) FROM screening_targets WHERE consent = 'refused'") > 0
    assert db.scalar("SELECT count(*) FROM screening_results WHERE scale_id = 'observe_g13'") > 0


def test_stats_and_charts(school):
    from app.screening.campaigns import list_campaigns
    from app.screening.charts import coverage_figure, levels_figure, positive_rate_figure
    from app.screening.stats import campaign_stats

    camp = list_campaigns(school.db)[0]
    st = campaign_stats(school, camp.id)
    assert [g.grade for g in st.grades] == [7, 8, 9]
    assert sum(g.done for g in st.grades) == school.db.scalar(
        "SELECT count(DISTINCT student_id) FROM screening_results WHERE campaign_id = :c", {"c": camp.id})
    assert st.scales[0].scale_id == "phq9" and 0 < st.scales[0].rate < 1
    for fig in (coverage_figure(st), levels_figure(st), positive_rate_figure(st)):
        assert fig.axes and fig.axes[0].get_title()
