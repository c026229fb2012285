"""The words of courses and activities: lesson themes and forms, activity kinds and scopes, and how a sheet's 类型
tells a lesson from an activity."""
from __future__ import annotations

THEMES = ["认识自我", "学会学习", "人际交往", "情绪调适", "升学择业", "生活和社会适应", "生命教育", "挫折教育"]
FORMS = ["讲授", "团体辅导", "心理训练", "角色扮演", "情境设计", "心理游戏", "心理剧", "问题辨析", "讨论分享"]
ACTIVITY_KINDS = ["主题班会", "社团", "讲座", "心理健康月", "5·25", "10·10", "竞赛", "假期线上班会", "主题活动", "其他"]
SCOPES = {"class": "班级", "grade": "年级", "school": "全校"}
PUSH_CHANNELS = ["家长群", "公众号", "校讯通", "纸质材料", "其他"]

# A sheet's 类型 column: words that make a row a lesson, and the activity kind other words stand for.
LESSON_WORDS = ("心理健康教育课", "心理健康课", "心理课", "心理辅导课", "心育课", "心理活动课", "健康教育课", "课堂")
ACTIVITY_WORDS: dict[str, str] = {
    "主题班会": "主题班会", "班会": "主题班会", "心理班会": "主题班会",
    "假期线上班会": "假期线上班会", "线上班会": "假期线上班会",
    "社团": "社团", "心理社团": "社团",
    "讲座": "讲座", "专题讲座": "讲座", "报告会": "讲座",
    "心理健康月": "心理健康月", "心理健康教育月": "心理健康月",
    "5·25": "5·25", "5.25": "5·25", "525": "5·25", "5·25心理健康日": "5·25",
    "10·10": "10·10", "10.10": "10·10", "1010": "10·10", "世界精神卫生日": "10·10",
    "竞赛": "竞赛", "比赛": "竞赛", "征文": "竞赛",
    "主题活动": "主题活动", "活动": "主题活动", "心理活动": "主题活动", "团体活动": "主题活动",
}


def kind_of(text: str) -> tuple[str, str] | None:
    """("lesson", "") or ("activity", kind) for a sheet's 类型 cell; None when it says neither."""
    t = (text or "").strip().replace(" ", "").replace("　", "")
    if not t:
        return None
    if t in ACTIVITY_WORDS:
        return "activity", ACTIVITY_WORDS[t]
    if t in ACTIVITY_KINDS:
        return "activity", t
    if any(w in t for w in LESSON_WORDS) or t.endswith("课"):
        return "lesson", ""
    for word, kind in sorted(ACTIVITY_WORDS.items(), key=lambda kv: -len(kv[0])):
        if word in t:
            return "activity", kind
    return None
