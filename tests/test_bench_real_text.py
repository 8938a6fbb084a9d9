"""bench/bench_real_text.py's corpus loaders: chat, Weibo and review files become records of texts (tiny
files written here in each format; no corpus text)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_real_text", ROOT / "bench/bench_real_text.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_json_dialogues_keep_their_utterances_together(tmp_path):
    path = tmp_path / "dialogues.json"
    dialogues = [{"messages": [{"message": "你看过那部电影吗"}, {"message": "看过，挺好看", "attrs": []}]},
                 {"messages": [{"message": "周末去爬山吧"}]}]  # fmt: skip
    path.write_text(json.dumps(dialogues, ensure_ascii=False), encoding="utf-8")
    assert bench.read_texts([path], "json", "messages.message", None, False) == [
        ["你看过那部电影吗", "看过，挺好看"],
        ["周末去爬山吧"],
    ]


def test_csv_rows_group_into_dialogues_and_jsonl_reads_a_field(tmp_path):
    path = tmp_path / "turns.csv"
    path.write_text("\ufeffDialogue_ID,Utterance\nd1,早啊\nd1,早，吃了吗\nd2,在吗\n", encoding="utf-8")
    assert bench.read_texts([path], "csv", "Utterance", "Dialogue_ID", False) == [["早啊", "早，吃了吗"], ["在吗"]]
    path = tmp_path / "posts.jsonl"
    path.write_text('{"content": "今天好累"}\n\n{"content": ""}\n{"content": "下雨了"}\n', encoding="utf-8")
    assert bench.read_texts([path], "jsonl", "content", None, False) == [["今天好累"], ["下雨了"]]


def test_jsonl_records_are_newline_lines_whatever_separators_their_strings_hold(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"text": "第一行\u2028第二行"}\n{"text": "下雨了"}\n', encoding="utf-8")
    assert bench.read_texts([path], "jsonl", "text", None, False) == [["第一行\u2028第二行"], ["下雨了"]]


def test_lines_split_on_tabs_drop_labels_and_unsegment(tmp_path):
    path = tmp_path / "sessions.tsv"
    path.write_text("1\t今天 天气 不错\t是 啊 ， 出去 走走\tok 了\n", encoding="utf-8")
    assert bench.read_texts([path], "lines", "", None, True) == [["今天天气不错", "是啊，出去走走", "ok了"]]


def test_main_counts_records_and_texts_changed(tmp_path):
    path = tmp_path / "chat.json"
    chats = [{"content": "我男朋友周浩然总是查我手机"}, {"content": "#树洞# 今天好累"}, {"content": "#树洞# 今天好累"}]
    path.write_text(json.dumps(chats, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "figures.json"
    bench.main([str(path), "--format", "json", "--sample-out", str(tmp_path / "s.tsv"), "--json", str(out)])
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert (figures["records"], figures["records_changed"], figures["texts_changed"]) == (2, 1, 1)
    assert figures["replacements_by_kind"] == {"name": 1}
