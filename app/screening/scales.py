"""Scale definitions as data: JSON files in resources/scales/ (and school-added ones in the vault), checked
against resources/scales/schema.json. A bad file gets an error naming the file and the field."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.errors import InputRejected

SCALES_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "scales"
SCHEMA_FILE = SCALES_DIR / "schema.json"
RATER_LABELS = {"self": "学生自评", "head_teacher": "班主任他评", "parent": "家长他评",
                "head_teacher_or_parent": "班主任或家长他评"}


class ScaleError(InputRejected):
    """A scale definition that does not pass validation."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    n: int
    text: str
    reverse: bool
    options: tuple[Option, ...]
    critical: bool = False     # a positive answer is handled the same day (app.safety.alerts)

    @property
    def min(self) -> int:
        return min(o.value for o in self.options)

    @property
    def max(self) -> int:
        return max(o.value for o in self.options)


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    min: float
    max: float
    positive: bool


@dataclass(frozen=True)
class ItemRule:
    item: int
    op: str
    value: float
    flag: str
    label: str
    critical: bool

    def matches(self, answer: int | None) -> bool:
        if answer is None:
            return False
        v = self.value
        return {">=": answer >= v, ">": answer > v, "==": answer == v, "<=": answer <= v, "<": answer < v}[self.op]


@dataclass(frozen=True)
class Subscale:
    id: str
    label: str
    items: tuple[int, ...]
    method: str


@dataclass(frozen=True)
class Scale:
    id: str
    name: str
    short_name: str
    version: str
    source: str
    licence: str
    rater: str
    grades: tuple[int, ...]
    instructions: str
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    method: str
    score_label: str
    clinical: bool
    bands: tuple[Band, ...]
    item_rules: tuple[ItemRule, ...]
    max_missing: int
    missing_rule: str
    validity_note: str
    builtin: bool = True

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def min_total(self) -> float:
        if self.method == "mean":
            return min(i.min for i in self.items)
        return float(sum(i.min for i in self.items))

    @property
    def max_total(self) -> float:
        if self.method == "mean":
            return max(i.max for i in self.items)
        return float(sum(i.max for i in self.items))

    def band_for(self, total: float) -> Band | None:
        for b in self.bands:
            if b.min <= total <= b.max:
                return b
        return None

    @property
    def critical_items(self) -> tuple[int, ...]:
        """Items marked critical in the file, and items a critical rule watches."""
        marked = {i.n for i in self.items if i.critical} | {r.item for r in self.item_rules if r.critical}
        return tuple(sorted(marked))


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    return Draft202012Validator(schema)


def _where(path: Any) -> str:
    parts = []
    for p in path:
        parts.append(f"[{p}]" if isinstance(p, int) else f".{p}")
    return "".join(parts).lstrip(".") or "（整个文件）"


def validate_definition(data: Any, source: str, expected_id: str | None = None) -> Scale:
    """Check a definition against the schema and the cross-field rules; return the Scale."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        raise ScaleError(f"量表文件 {source} 有误：字段 {_where(e.absolute_path)} —— {e.message}")

    def bad(fieldname: str, reason: str) -> ScaleError:
        return ScaleError(f"量表文件 {source} 有误：字段 {fieldname} —— {reason}")

    if expected_id is not None and data["id"] != expected_id:
        raise bad("id", f"量表编号“{data['id']}”应与文件名“{expected_id}”一致")
    default_opts = tuple(Option(o["value"], o["label"]) for o in data["options"])
    items = []
    for i, raw in enumerate(data["items"]):
        if raw["n"] != i + 1:
            raise bad(f"items[{i}].n", f"题号应为 {i + 1}（题目须按 1、2、3… 连续编号）")
        opts = tuple(Option(o["value"], o["label"]) for o in raw.get("options", [])) or default_opts
        if len({o.value for o in opts}) != len(opts):
            raise bad(f"items[{i}].options", "选项分值重复")
        items.append(Item(raw["n"], raw["text"], bool(raw.get("reverse", False)), opts, bool(raw.get("critical"))))
    n = len(items)
    subs = []
    for i, s in enumerate(data.get("subscales", [])):
        for it in s["items"]:
            if it > n:
                raise bad(f"subscales[{i}].items", f"第 {it} 题不存在（共 {n} 题）")
        subs.append(Subscale(s["id"], s["label"], tuple(s["items"]), s.get("method", data["scoring"]["method"])))
    bands: list[Band] = []
    for i, b in enumerate(data["bands"]):
        if b["min"] > b["max"]:
            raise bad(f"bands[{i}]", "min 大于 max")
        if bands and b["min"] <= bands[-1].max:
            raise bad(f"bands[{i}].min", "分段须按分数从低到高排列且互不重叠")
        bands.append(Band(b["id"], b["label"], b["min"], b["max"], bool(b.get("positive", False))))
    if len({b.id for b in bands}) != len(bands):
        raise bad("bands", "分段编号重复")
    rules = []
    for i, r in enumerate(data.get("item_rules", [])):
        if r["item"] > n:
            raise bad(f"item_rules[{i}].item", f"第 {r['item']} 题不存在（共 {n} 题）")
        rules.append(ItemRule(r["item"], r["op"], r["value"], r["flag"], r["label"], bool(r.get("critical", False))))
    v = data["validity"]
    if v["max_missing"] >= n:
        raise bad("validity.max_missing", "允许缺答的题数必须少于题目总数")
    return Scale(
        id=data["id"], name=data["name"], short_name=data["short_name"], version=data["version"],
        source=data["source"], licence=data["licence"], rater=data["rater"], grades=tuple(sorted(data["grades"])),
        instructions=data["instructions"], items=tuple(items), subscales=tuple(subs),
        method=data["scoring"]["method"], score_label=data["scoring"].get("label", "总分"),
        clinical=bool(data["scoring"].get("clinical", True)), bands=tuple(bands), item_rules=tuple(rules),
        max_missing=v["max_missing"], missing_rule=v.get("missing", "prorate"), validity_note=v.get("note", ""))


def load_scale_file(path: Path) -> Scale:
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise ScaleError(f"量表文件 {path.name} 有误：不是 UTF-8 编码的文本。") from None
    except json.JSONDecodeError as e:
        raise ScaleError(f"量表文件 {path.name} 有误：第 {e.lineno} 行第 {e.colno} 列不是合法的 JSON（{e.msg}）。") from None
    except OSError as e:
        raise ScaleError(f"无法读取量表文件 {path.name}：{e.strerror}") from None
    return validate_definition(data, path.name, path.stem)


def builtin_files() -> list[Path]:
    return sorted(p for p in SCALES_DIR.glob("*.json") if p.name != SCHEMA_FILE.name)


@lru_cache(maxsize=1)
def builtin_scales() -> dict[str, Scale]:
    return {s.id: s for s in (load_scale_file(p) for p in builtin_files())}


def custom_scales(db: Any) -> list[Scale]:
    """The school's own definitions stored in the vault (added through ``custom_scales.add_scale_file``)."""
    out = []
    for r in db.query("SELECT id, definition FROM screening_scales ORDER BY id"):
        out.append(replace(validate_definition(json.loads(r[1]), f"{r[0]}.json", r[0]), builtin=False))
    return out


def all_scales(db: Any = None) -> dict[str, Scale]:
    """The shipped scales, plus the school's own definitions when a vault is open."""
    scales = dict(builtin_scales())
    if db is not None:
        for s in custom_scales(db):
            scales.setdefault(s.id, s)
    return scales


def get_scale(scale_id: str, db: Any = None) -> Scale:
    scales = all_scales(db)
    sid = (scale_id or "").strip().lower().replace("-", "")
    if sid not in scales:
        known = "、".join(sorted(scales))
        raise InputRejected(f"未知的量表“{scale_id}”。可用的量表：{known}。")
    return scales[sid]
