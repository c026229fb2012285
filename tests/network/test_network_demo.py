"""The demo school has a lived-in network: reps, rooms, two months of reports, some triage done and some open."""
from __future__ import annotations

from app import clock
from app.network.model import period_of, previous_period
from app.network.people import leadership, list_reps, list_rooms, rep_problems, rooms_without_informant
from app.network.reports import escalations, list_reports, overview, untriaged


def test_demo_network_is_lived_in(school):
    this = period_of(clock.today())
    last = previous_period(this)
    assert len(list_reps(school)) >= 2 and len(rep_problems(school)) >= 1
    rooms = list_rooms(school)
    assert len(rooms) >= 3 and len(rooms_without_informant(school)) == 1
    assert {r.period for r in list_reports(school)} == {last, this}
    assert len(list_reports(school, period=last)) >= 3 and list_reports(school, period=this)
    assert overview(school, last)["missing"] and overview(school, this)["missing"]
    decided = school.db.scalar("SELECT count(*) FROM network_concerns WHERE decision IS NOT NULL")
    assert decided >= 3 and untriaged(school)
    assert any(t.urgent for t in untriaged(school))
    assert school.db.scalar("SELECT count(*) FROM network_concerns WHERE crisis_case_id IS NOT NULL") == 1
    assert escalations(school, this)
    assert any(p.empty for p in leadership(school)) and any(not p.empty for p in leadership(school))


def test_demo_reports_name_students_of_their_own_class(school):
    """A committee member reports on their own class (the demo once had a 七年级 member name a 九年级 student), and a
    room's report carries its informant's name."""
    reports = list_reports(school)
    by_rep = [r for r in reports if r.reporter_kind == "psych_rep"]
    assert by_rep and any(r.concerns for r in by_rep)
    for r in by_rep:
        assert all(c.class_name == r.class_name for c in r.concerns), (r.place, [c.class_name for c in r.concerns])
    informants = {room.label: room.informant for room in list_rooms(school)}
    by_room = [r for r in reports if r.reporter_kind == "informant"]
    assert by_room and all(r.reporter and r.reporter == informants[r.place] for r in by_room)
