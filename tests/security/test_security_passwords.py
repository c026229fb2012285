"""The password policy (app/passwords.py) and every place a password is set: init, user add, user enable,
change password and the recovery reset."""
from __future__ import annotations

import pytest

from app.accounts.admin import add_account, change_password, set_account_disabled
from app.accounts.model import Role
from app.errors import InputRejected, WrongPassword
from app.passwords import COMMON_FILE, common_passwords, password_problem, require_acceptable
from app.school.setup import create_vault
from app.session import open_session, reset_password_with_recovery
from app.store.keyslots import RECOVERY_SLOT, KeySlots
from tests.conftest import PASSWORD

GOOD = "Maple-window-2026!"


@pytest.mark.parametrize(("password", "words"), [
    ("", "不能为空"),
    ("1", "至少需要 10 个"),
    ("Ab1!Ab1!a", "现在 9 个字符"),
    ("abcdefghijklmno", "只用了一类字符（小写字母）"),         # 15 lower-case letters
    ("739146258305", "只用了一类字符（数字）"),
    ("心理辅导室的秘密钥匙", "只用了一类字符（汉字等其他文字）"),
    ("123456789a", "太常见"),
    ("woaini1314", "太常见"),
    ("WoAiNi1314!", "太常见"),                                  # case and a trailing symbol do not help
    ("1qaz2wsx3edc", "太常见"),
    ("qwertyuiop123", "太常见"),
    ("zhang5201314", "太常见"),
])
def test_each_rule_says_which_one_failed(password, words):
    problem = password_problem(password)
    assert words in problem, problem
    with pytest.raises(InputRejected) as exc:
        require_acceptable(password)
    assert exc.value.exit_code == 3


@pytest.mark.parametrize("password", [
    GOOD, "correct horse battery staple", "abcdefghijklmnop", "心理辅导室2026年的钥匙", "Zx9-quiet-lamp",
])
def test_acceptable_passwords(password):
    assert password_problem(password, account="counselor", school="测试学校") == ""


def test_account_and_school_names_are_refused_inside_the_password():
    assert "账号名“wanglaoshi”" in password_problem("WangLaoShi-2026!", account="wanglaoshi")
    assert "账号名" in password_problem("my-ｗａｎｇｌａｏｓｈｉ-1", account="wanglaoshi")   # full-width
    assert "学校名称“阳光中学”" in password_problem("阳光中学-2026-abc", account="x", school="阳光中学")
    assert "学校名称" in password_problem("Sunshine School 2026", school="sunshine school")
    # A one- or two-letter account name does not forbid its letters everywhere.
    assert password_problem("Tulip-field-2026!", account="t1") == ""
    assert password_problem("Chinese-ink-2026", account="c") == ""


def test_the_common_list_ships_and_holds_chinese_typical_passwords():
    assert COMMON_FILE.exists()
    common = common_passwords()
    assert len(common) > 3000
    for pw in ("123456789a", "woaini1314", "qwertyuiop", "1qaz2wsx", "5201314", "a123456789", "iloveyou1314"):
        assert pw in common, pw


def test_every_path_that_sets_a_password_applies_the_policy(data_dir):
    with pytest.raises(InputRejected) as exc:
        create_vault(data_dir, school_name="阳光中学", username="wang", password="12345678")
    assert "至少需要 10 个" in exc.value.message
    with pytest.raises(InputRejected) as exc:
        create_vault(data_dir, school_name="阳光中学", username="wang", password="阳光中学-wang-2026")
    assert "账号名" in exc.value.message or "学校名称" in exc.value.message
    assert not (data_dir / "keyslots.json").exists()

    s, code = create_vault(data_dir, school_name="阳光中学", username="wang", password=GOOD)
    try:
        with pytest.raises(InputRejected):
            add_account(s, "admin2", "1", Role.ADMIN)             # the example
        with pytest.raises(InputRejected, match="账号名"):
            add_account(s, "admin2", "Admin2-is-me-2026", Role.ADMIN)
        with pytest.raises(InputRejected, match="太常见"):
            change_password(s, "wang", "woaini1314")
        add_account(s, "admin2", "Copper-gate-2026!", Role.ADMIN)
        set_account_disabled(s, "admin2", True)
        with pytest.raises(InputRejected, match="太短"):
            set_account_disabled(s, "admin2", False, "short")
        assert "admin2" not in KeySlots.load(s.paths.keyslots).slots
    finally:
        s.close()
    with pytest.raises(InputRejected, match="学校名称"):
        reset_password_with_recovery(data_dir, code, "wang", "阳光中学-重设-2027")
    open_session(data_dir, "wang", GOOD).close()   # nothing was changed by the refusals


def test_an_existing_weak_password_still_signs_in(data_dir):
    """The policy applies when a password is set; a slot made before it keeps working."""
    from tests.security.formats import as_format_1

    s, _code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    s.close()
    as_format_1(s.paths, KeySlots.load(s.paths.keyslots).unlock("counselor", PASSWORD),
                {"counselor": "old"})   # as an older program could have written it
    open_session(data_dir, "counselor", "old").close()
    with pytest.raises(WrongPassword):
        open_session(data_dir, "counselor", PASSWORD)


def test_account_names_are_normalised_unique_and_the_recovery_name_is_reserved(session):
    decomposed = "Jose\u0301 "           # "José" with a combining accent and a trailing space
    acc = add_account(session, decomposed, GOOD, Role.ADMIN)
    assert acc.username == "José"
    slots = KeySlots.load(session.paths.keyslots)
    assert "José" in slots.slots and decomposed not in slots.slots
    with pytest.raises(InputRejected, match="已存在"):
        add_account(session, "  José", "Other-maple-2026!", Role.ADMIN)
    with pytest.raises(InputRejected, match="大小写"):
        add_account(session, "JOSÉ", "Other-maple-2026!", Role.ADMIN)
    before = KeySlots.load(session.paths.keyslots).slots[RECOVERY_SLOT].to_json()
    for name in (RECOVERY_SLOT, " __recovery__ ", "__anything"):
        with pytest.raises(InputRejected, match="__"):
            add_account(session, name, "Other-maple-2026!", Role.COUNSELOR)
    assert KeySlots.load(session.paths.keyslots).slots[RECOVERY_SLOT].to_json() == before
    with pytest.raises(InputRejected):
        KeySlots.load(session.paths.keyslots).set_account_secret(RECOVERY_SLOT, GOOD, session.key)
    # The normalised name signs in, however it is typed.
    open_session(session.paths.root, " Jose\u0301", GOOD).close()


def test_the_cli_refuses_a_weak_password_and_the_recovery_name(session, cli):
    root = session.paths.root
    session.close()
    code, _out, err = cli(root, "counselor", PASSWORD, "user", "add", "weak", "--role", "admin",
                          env={"XINQIAO_NEW_PASSWORD": "1"})
    assert code == 3 and "至少需要 10 个" in err
    before = (root / "keyslots.json").read_text()
    code, _out, err = cli(root, "counselor", PASSWORD, "user", "add", "__recovery__", "--role", "counselor",
                          env={"XINQIAO_NEW_PASSWORD": GOOD})
    assert code == 3 and "__" in err
    assert (root / "keyslots.json").read_text() == before
    code, out, _err = cli(root, "counselor", PASSWORD, "user", "add", "fine", "--role", "admin",
                          env={"XINQIAO_NEW_PASSWORD": GOOD})
    assert code == 0, _err
