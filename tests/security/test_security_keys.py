"""Key derivation cost, revoked slots, the per-account lockout and the vault folder's file modes, tried as an
attacker with the project's own key-slot code would."""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import time

import pytest

from app.accounts.admin import add_account, set_account_disabled
from app.accounts.model import Role
from app.config import PRODUCTION_KDF, TEST_KDF, KdfCost
from app.errors import InputRejected, LockedOut, WrongPassword
from app.session import open_session
from app.store.kdf import calibrate, time_derivation
from app.store.keyslots import RECOVERY_SLOT, KeySlots, at_least, unwrap
from app.store.lockout import FREE_ATTEMPTS, MAX_DELAY, MAX_FAILURES, Lockout
from tests.conftest import PASSWORD, ROOT

ADMIN_PW = "Copper-gate-2026!"


# -- key derivation ---------------------------------------------------------------------------------------
def test_fast_kdf_variable_is_ignored_outside_the_test_suite(tmp_path):
    """A child process without pytest (no PYTEST_CURRENT_TEST) gets the full, calibrated cost even with
    XINQIAO_TEST_FAST_KDF=1 set: the vault it creates has ≥ 64 MiB slots."""
    script = (
        "import json, sys\n"
        "from app.config import kdf_cost, test_kdf_enabled\n"
        "from app.school.setup import create_vault\n"
        "s, _ = create_vault(sys.argv[1], school_name='测试学校', username='counselor',"
        " password='Test-password-2026!')\n"
        "s.close()\n"
        "print(json.dumps({'enabled': test_kdf_enabled(), 'pytest': 'pytest' in sys.modules,"
        " 'memory': kdf_cost().memory_kib}))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update(XINQIAO_TEST_FAST_KDF="1", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", script, str(tmp_path / "v")], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got == {"enabled": False, "pytest": False, "memory": PRODUCTION_KDF.memory_kib}
    obj = json.loads((tmp_path / "v" / "keyslots.json").read_text("utf-8"))
    assert obj["kdf"]["memory_kib"] >= 64 * 1024 and obj["kdf"]["iterations"] >= PRODUCTION_KDF.iterations
    for slot in obj["slots"]:
        assert slot["kdf"] == obj["kdf"], slot["name"]   # every slot has the vault's calibrated cost


def test_fast_kdf_is_honoured_inside_the_suite():
    from app.config import kdf_cost, test_kdf_enabled

    assert test_kdf_enabled() and kdf_cost() == TEST_KDF


def test_calibration_keeps_64_mib_and_aims_at_the_target():
    target = 0.25
    cost = calibrate(target_seconds=target)
    assert cost.memory_kib >= 64 * 1024 and cost.lanes == PRODUCTION_KDF.lanes
    assert cost.iterations >= PRODUCTION_KDF.iterations
    took = time_derivation(cost)
    if cost.iterations > PRODUCTION_KDF.iterations:   # not held up by the floor: close to the target
        assert target / 4 < took < target * 6, took   # loose: the two cores are shared


def test_new_slots_take_the_vaults_cost_and_a_lowered_cost_is_not_trusted(session):
    slots = KeySlots.load(session.paths.keyslots)
    assert slots.cost == TEST_KDF                       # written at creation (the suite's cheap cost)
    stronger = KdfCost(2, 16 * 1024, 1)
    slots.cost = stronger
    slots.save()
    add_account(session, "admin2", ADMIN_PW, Role.ADMIN)
    assert KeySlots.load(session.paths.keyslots).slots["admin2"].cost == stronger
    # An attacker who edits "kdf" down in the file gets the floor, not their value.
    weak = KdfCost(1, 8, 1)
    assert at_least(weak, PRODUCTION_KDF) == PRODUCTION_KDF
    assert at_least(KdfCost(5, 128 * 1024, 4), PRODUCTION_KDF) == KdfCost(5, 128 * 1024, 4)
    assert at_least(None, PRODUCTION_KDF) == PRODUCTION_KDF


# -- a disabled account's password yields no key -----------------------------------------------------------
def test_disabling_removes_the_slot_so_the_old_password_opens_nothing(session):
    root = session.paths.root
    add_account(session, "admin2", ADMIN_PW, Role.ADMIN)
    before = KeySlots.load(session.paths.keyslots)
    old_slot = before.slots["admin2"]
    assert unwrap(old_slot, ADMIN_PW).startswith(b"AGE-SECRET-KEY-")   # the slot wraps its identity
    assert before.unlock("admin2", ADMIN_PW) == session.key
    old_grant = base64.b64encode(before.grants["ordinary"]["admin2"]).decode("ascii")
    set_account_disabled(session, "admin2", True)

    # The attacker's walk: the project's own key-slot code on the folder, with the old password.
    slots = KeySlots.load(root / "keyslots.json")
    assert "admin2" not in slots.slots
    with pytest.raises(WrongPassword):
        slots.unlock("admin2", ADMIN_PW)
    text = (root / "keyslots.json").read_text("utf-8")
    assert old_slot.to_json()["wrapped"] not in text and old_slot.to_json()["salt"] not in text
    assert old_grant not in text and "admin2" not in slots.holders("ordinary")
    with pytest.raises(WrongPassword) as exc:
        open_session(root, "admin2", ADMIN_PW)
    assert "停用" in exc.value.message
    # Other slots still open.
    assert slots.unlock("counselor", PASSWORD) == session.key
    assert RECOVERY_SLOT in slots.slots

    # Enabling again needs a new password set by a manager; the old one stays dead.
    with pytest.raises(InputRejected, match="新密码"):
        set_account_disabled(session, "admin2", False)
    set_account_disabled(session, "admin2", False, "Fresh-start-2027!")
    slots = KeySlots.load(root / "keyslots.json")
    assert slots.unlock("admin2", "Fresh-start-2027!") == session.key
    with pytest.raises(WrongPassword):
        slots.unlock("admin2", ADMIN_PW)
    open_session(root, "admin2", "Fresh-start-2027!").close()
    details = [r[0] for r in session.db.query("SELECT detail FROM audit_log WHERE action = 'account'"
                                              " AND target = 'admin2' ORDER BY id")]
    assert details[-2:] == ["停用（已删除密钥槽）", "启用（已设置新密码）"]


def test_slots_left_by_an_older_program_for_disabled_accounts_go_at_the_next_sign_in(session):
    root = session.paths.root
    add_account(session, "admin2", ADMIN_PW, Role.ADMIN)
    with session.db.transaction():   # what disabling did before: the row only
        session.db.execute("UPDATE accounts SET disabled = 1 WHERE username = 'admin2'")
    session.close()
    assert KeySlots.load(root / "keyslots.json").unlock("admin2", ADMIN_PW)   # the finding
    s = open_session(root, "counselor", PASSWORD)
    try:
        slots = KeySlots.load(root / "keyslots.json")
        assert "admin2" not in slots.slots and "admin2" in slots.disabled
        with pytest.raises(WrongPassword):
            slots.unlock("admin2", ADMIN_PW)
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'account' AND target = 'admin2'"
                           " AND detail LIKE '%遗留的密钥槽%'") == 1
    finally:
        s.close()


def test_a_disabled_account_cannot_get_a_slot_back_by_password_change_or_recovery(data_dir):
    from app.accounts.admin import change_password
    from app.school.setup import create_vault
    from app.session import reset_password_with_recovery

    s, code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    try:
        add_account(s, "admin2", ADMIN_PW, Role.ADMIN)
        set_account_disabled(s, "admin2", True)
        with pytest.raises(InputRejected, match="已停用"):
            change_password(s, "admin2", "Another-pass-2027!")
    finally:
        s.close()
    with pytest.raises(InputRejected, match="已停用"):
        reset_password_with_recovery(data_dir, code, "admin2", "Another-pass-2027!")
    assert "admin2" not in KeySlots.load(data_dir / "keyslots.json").slots


def test_cli_disable_and_enable(session, cli):
    root = session.paths.root
    add_account(session, "admin2", ADMIN_PW, Role.ADMIN)
    session.close()
    code, out, err = cli(root, "counselor", PASSWORD, "user", "disable", "admin2")
    assert code == 0 and "不再能打开" in out
    with pytest.raises(WrongPassword):
        KeySlots.load(root / "keyslots.json").unlock("admin2", ADMIN_PW)
    code, _out, err = cli(root, "counselor", PASSWORD, "user", "enable", "admin2")   # no new password, no tty
    assert code == 2 and "XINQIAO_NEW_PASSWORD" in err
    code, _out, err = cli(root, "counselor", PASSWORD, "user", "enable", "admin2",
                          env={"XINQIAO_NEW_PASSWORD": "Fresh-start-2027!"})
    assert code == 0, err
    assert KeySlots.load(root / "keyslots.json").slots["admin2"]


# -- lockout -------------------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


def test_the_lockout_counts_per_account(session):
    root = session.paths.root
    add_account(session, "admin2", ADMIN_PW, Role.ADMIN)
    session.close()
    clock = Clock()
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(WrongPassword):
            open_session(root, "counselor", "wrong-password", lockout_clock=clock)
    with pytest.raises(LockedOut):
        open_session(root, "counselor", PASSWORD, lockout_clock=clock)
    # Another account is not held up by the counselor's failures, and its sign-in clears only its own entry.
    open_session(root, "admin2", ADMIN_PW, lockout_clock=clock).close()
    assert Lockout(root / "lockout.json", clock).load("counselor").failures == FREE_ATTEMPTS
    assert Lockout(root / "lockout.json", clock).remaining("counselor") > 0


@pytest.mark.parametrize("entry", [
    {"failures": -50, "last_failure": 1e300},
    {"failures": 10 ** 40, "last_failure": 1e300},
    {"failures": "many", "last_failure": "soon"},
    {"failures": 7, "last_failure": float("nan")},
    {"failures": [1], "last_failure": {"x": 1}},
    "not an object",
])
def test_the_lockout_clamps_whatever_it_reads(tmp_path, entry):
    path = tmp_path / "lockout.json"
    path.write_text(json.dumps({"accounts": {"counselor": entry}}, allow_nan=True), "utf-8")
    clock = Clock()
    lock = Lockout(path, clock)
    state = lock.load("counselor")
    assert 0 <= state.failures <= MAX_FAILURES
    assert 0 <= state.last_failure <= clock.t + MAX_DELAY
    assert 0 <= lock.remaining("counselor") <= MAX_DELAY
    clock.t += MAX_DELAY
    assert lock.remaining("counselor") == 0      # never longer than the longest wait
    lock.fail("counselor")
    assert 0 < lock.load("counselor").failures <= MAX_FAILURES


def test_a_lockout_file_of_another_shape_locks_no_one(tmp_path):
    path = tmp_path / "lockout.json"
    for text in ("[1, 2]", '{"accounts": 5}', '{"failures": 99, "last_failure": 1e20}', "1e999"):
        path.write_text(text, "utf-8")
        assert Lockout(path).remaining("counselor") == 0


# -- file modes -------------------------------------------------------------------------------------------
def _modes(root) -> dict[str, int]:
    found = {".": stat.S_IMODE(os.stat(root).st_mode)}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(base, name)
            found[os.path.relpath(p, root)] = stat.S_IMODE(os.lstat(p).st_mode)
    return found


def _assert_private(root) -> None:
    for rel, mode in _modes(root).items():
        want = 0o700 if os.path.isdir(os.path.join(root, rel)) else 0o600
        assert mode == want, f"{rel}: {oct(mode)}"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_vault_folder_and_files_are_private_including_later_ones(session, tmp_path):
    from app.backups import backup_now, make_backup

    os.umask(0o022)   # as a desktop session starts the program
    root = session.paths.root
    _assert_private(root)
    assert (root / "vault.db-wal").exists()
    backup_now(session)
    session.close()
    _assert_private(root)
    os.umask(0o022)
    with pytest.raises(WrongPassword):
        open_session(root, "counselor", "wrong-password")      # writes lockout.json
    assert stat.S_IMODE(os.stat(root / "lockout.json").st_mode) == 0o600
    _assert_private(root)
    os.umask(0o022)
    (root / "reports").mkdir()                                  # made by someone else, readable by all
    s = open_session(root, "counselor", PASSWORD)
    try:
        time.sleep(0.01)
        info = make_backup(s, s.paths.backups)
        assert stat.S_IMODE(os.stat(info.path).st_mode) == 0o600
        (root / "logs" / "crash.txt").write_text("x")   # a file the program writes later (umask)
        _assert_private(root)
        names = set(_modes(root))
        assert {"vault.db", "vault.db-wal", "vault.db-shm", "keyslots.json", "backups", "logs"} <= names
    finally:
        s.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_folder_made_readable_is_made_private_again_at_sign_in(session):
    root = session.paths.root
    session.close()
    os.chmod(root, 0o755)
    os.chmod(root / "keyslots.json", 0o644)
    open_session(root, "counselor", PASSWORD).close()
    _assert_private(root)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_modes_are_only_ever_narrowed_never_widened(tmp_path):
    from app.store.paths import make_private

    root = tmp_path / "v"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("x")
    (root / "run.sh").write_text("x")
    os.chmod(root / "a.txt", 0o444)
    os.chmod(root / "run.sh", 0o755)
    os.chmod(root / "sub", 0o555)
    os.chmod(root, 0o555)            # made read-only on purpose: it stays read-only
    try:
        make_private(root)
        assert _modes(root) == {".": 0o500, "sub": 0o500, "a.txt": 0o400, "run.sh": 0o600}
    finally:
        os.chmod(root, 0o700)
        os.chmod(root / "sub", 0o700)
