"""score needs no vault and no password; wrong input exits 3 with a Chinese reason."""
from __future__ import annotations

import json

from app.cli import main


def test_score_json_without_a_vault(capsys, monkeypatch):
    monkeypatch.delenv("XINQIAO_PASSWORD", raising=False)
    assert main(["score", "--scale", "phq9", "--answers", "1,1,1,1,1,1,1,1,1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 9 and data["band"] == "mild" and data["critical"] is True
    assert {"band_label", "flags", "subscales"} <= set(data)


def test_score_rejections(capsys):
    assert main(["score", "--scale", "phq9", "--answers", "1,1"]) == 3
    assert "共 9 题" in capsys.readouterr().err
    assert main(["score", "--scale", "gad7", "--answers", "0,0,0,0,0,0,9"]) == 3
    assert "超出范围" in capsys.readouterr().err
    assert main(["score", "--scale", "sdq", "--answers", "0"]) == 3
    assert "未知的量表" in capsys.readouterr().err
    assert main(["score", "--scale", "gad7", "--answers", "a,b"]) == 3


def test_score_text_output(capsys):
    assert main(["score", "--scale", "observe_g13", "--answers", "2,0,0,0,0,0,2,0,0,0"]) == 0
    text = capsys.readouterr().out
    assert "观察分" in text and "经常情绪低落" in text
