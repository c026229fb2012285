"""The guide covers the whole job and its screenshots exist; the README links it and states the supported systems
and the benchmark hardware."""
from __future__ import annotations

import re

from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "用户手册.md"
CHAPTERS = ["第一次使用与数据文件夹", "工作台", "花名册与升年级", "测评", "谈话与咨询记录", "危机个案", "预警网络",
            "“1+1”与每月闭环", "家长信与打印", "学期报告", "向区县中心报送，以及中心端", "档案转接", "备份与恢复",
            "磁盘满了、忘记密码怎么办", "系统要求与安装"]


def test_the_guide_has_every_chapter_and_its_screenshots():
    text = GUIDE.read_text("utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for chapter in CHAPTERS:
        assert any(chapter in h for h in headings), chapter
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 8
    for image in images:
        assert (GUIDE.parent / image).exists(), image
    for link in re.findall(r"\]\(([^)#:]+\.md)\)", text):
        assert (GUIDE.parent / link).exists(), link
    assert "Windows 10" in text and "64 位" in text and "Linux" in text


def test_the_readme_links_the_guide_and_states_systems_and_hardware():
    text = (ROOT / "README.md").read_text("utf-8")
    assert "docs/用户手册.md" in text
    assert "Windows 10" in text and "Windows 11" in text and "64-bit" in text and "Linux" in text
    perf = (ROOT / "docs" / "performance.md").read_text("utf-8")
    machine = re.search(r"^- Machine: AMD EPYC, (\d+) cores, (\d+) GiB memory", perf, re.M)
    assert machine, "docs/performance.md names its machine"
    flat = " ".join(text.split())
    assert f"AMD EPYC machine with {machine.group(1)} cores and {machine.group(2)} GiB of memory" in flat
