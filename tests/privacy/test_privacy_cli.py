"""Every sub-command (``python main.py …``, run in-process) as a 班主任 and as a 管理员: no confidential marker in
stdout, stderr or a written file; nothing about another class's student for the head teacher."""
from __future__ import annotations

import pytest

from tests.privacy.builder import ADMIN, MARK_PREFIX, OTHER_PREFIX, TEACHER
from tests.privacy.conftest import assert_clean
from tests.privacy.files import any_text

ACCOUNTS = {"teacher": TEACHER, "admin": ADMIN}

# (id, argv) — ``{own}`` / ``{other}`` / ``{case_*}`` / ``{out}`` are filled in per vault
COMMANDS = [
    ("students", ["students", "--json"]),
    ("students-all", ["students", "--all", "--json"]),
    ("students-other-class", ["students", "--class", "8.1", "--json"]),
    ("students-search-other", ["students", "--search", "欧阳", "--json"]),
    ("students-search-registry", ["students", "--search", "{other}", "--json"]),
    ("students-tag", ["students", "--tag", "家庭变故", "--json"]),
    ("students-level", ["students", "--level", "2", "--json"]),
    ("sessions", ["sessions", "--json"]),
    ("sessions-text", ["sessions"]),
    ("sessions-own", ["sessions", "--student", "{own}", "--json"]),
    ("sessions-other-student", ["sessions", "--student", "{other}", "--json"]),
    ("sessions-other-class", ["sessions", "--class", "8.1", "--json"]),
    ("sessions-export", ["sessions", "--out", "{out}.xlsx"]),
    ("coverage", ["coverage", "--json"]),
    ("coverage-text", ["coverage"]),
    ("coverage-other-class", ["coverage", "--class", "8.1", "--json"]),
    ("crisis-list", ["crisis", "list", "--json"]),
    ("crisis-list-text", ["crisis", "list"]),
    ("crisis-show-walked", ["crisis", "show", "{case_walked}", "--json"]),
    ("crisis-show-walked-text", ["crisis", "show", "{case_walked}"]),
    ("crisis-show-closed", ["crisis", "show", "{case_closed}", "--json"]),
    ("crisis-show-other", ["crisis", "show", "{case_other}", "--json"]),
    ("crisis-show-other-text", ["crisis", "show", "{case_other}"]),
    ("crisis-export", ["crisis", "export", "{out}.xlsx"]),
    ("crisis-export-confidential", ["crisis", "export", "{out}.xlsx", "--confidential"]),
    ("crisis-incidents", ["crisis", "incidents", "--json"]),
    ("crisis-incidents-text", ["crisis", "incidents"]),
    ("crisis-rules", ["crisis", "rules", "--json"]),
    ("institutions", ["institutions", "list", "--all", "--json"]),
    ("ledger-json", ["ledger", "--format", "json", "--history"]),
    ("ledger-text", ["ledger"]),
    ("ledger-other-class", ["ledger", "--class", "8.1", "--format", "json", "--history"]),
    ("ledger-xlsx", ["ledger", "--format", "xlsx", "--out", "{out}.xlsx"]),
    ("ledger-csv", ["ledger", "--format", "csv", "--out", "{out}.csv"]),
    ("ledger-json-file", ["ledger", "--format", "json", "--history", "--out", "{out}.json"]),
    ("campaigns", ["campaigns", "--json"]),
    ("campaigns-text", ["campaigns"]),
    ("search-marker", ["search", MARK_PREFIX, "--limit", "500", "--json"]),
    ("search-marker-text", ["search", "机密内容", "--limit", "500"]),
    ("search-other", ["search", OTHER_PREFIX, "--limit", "500", "--json"]),
    ("search-other-name", ["search", "欧阳", "--limit", "500", "--json"]),
    ("search-summary", ["search", "普通摘要", "--limit", "500", "--json"]),
    ("user-list", ["user", "list", "--json"]),
    ("verify", ["verify"]),
    ("network", ["network", "--period", "2026-11", "--json"]),
    ("network-text", ["network", "--period", "2026-11"]),
    ("report-forms", ["report-forms", "--period", "2026-11", "--out", "{out}.pdf"]),
    ("letters-own", ["letters", "--template", "semester-feedback", "--student", "{own}", "--out", "{out}.pdf"]),
    ("letters-class", ["letters", "--template", "holiday", "--class", "7.1", "--out", "{out}.pdf"]),
    ("letters-other", ["letters", "--template", "holiday", "--student", "{other}", "--out", "{out}.pdf"]),
    ("letters-crisis", ["letters", "--template", "crisis-notice", "--student", "{own}", "--out", "{out}.pdf"]),
    ("letter-list", ["letter-list", "--json"]),
]


def _argv(vault, argv: list[str], out) -> list[str]:  # type: ignore[no-untyped-def]
    values = {"own": vault.own_registry, "other": vault.other_registry, "out": str(out),
              **{f"case_{k}": str(v) for k, v in vault.cases.items()}}
    return [a.format(**values) for a in argv]


@pytest.mark.parametrize("who", ["teacher", "admin"])
@pytest.mark.parametrize("name,argv", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_cli(cli, vault, tmp_path, who, name, argv):
    base = tmp_path / "export"
    code, out, err = cli(ACCOUNTS[who], *_argv(vault, argv, base))
    teacher = who == "teacher"
    assert_clean(out + "\n" + err, other_class=teacher, what=f"{name} as {who} (exit {code})")
    for f in tmp_path.glob("export*"):
        assert_clean(any_text(f), other_class=teacher, what=f"{name} as {who}: file {f.name}")
    assert code in (0, 1, 3), f"{name}: exit {code}\n{err}"


def test_cli_head_teacher_refusals(cli, vault, tmp_path):
    """Paths that should refuse a head teacher outright rather than answer empty."""
    code, _out, _err = cli(TEACHER, "crisis", "show", str(vault.cases["other"]), "--json")
    assert code != 0
    code, _out, _err = cli(TEACHER, "crisis", "export", str(tmp_path / "c.xlsx"), "--confidential")
    assert code != 0 and not (tmp_path / "c.xlsx").exists()


def test_cli_head_teacher_sees_own_records(cli, vault):
    """The sweep is meaningful: the head teacher's commands do answer with their class's ordinary records."""
    import json

    code, out, _err = cli(TEACHER, "sessions", "--json")
    assert code == 0 and json.loads(out)
    code, out, _err = cli(TEACHER, "crisis", "show", str(vault.cases["walked"]), "--json")
    assert code == 0 and "普通摘要" in out
