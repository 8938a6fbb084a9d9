"""Per-annotator storage: complete permutations only, ids never reach paths, concurrent saves all land."""

from __future__ import annotations

import json
import threading

import pytest

from tests._annotate_fixtures import SYSTEMS, make_items
from workflow_scripts.annotate import storage
from workflow_scripts.common.io import InputError


def record(annotator="a01", sample="demo-000", ranking=None, shown=None):
    shown = shown or list(SYSTEMS)
    ranking = list(reversed(shown)) if ranking is None else ranking
    return {"annotator": annotator, "testset": "eqa", "sample_id": sample, "shown": shown,
            "ranking": ranking, "saved_at": "2025-05-01T10:00:00+00:00"}  # fmt: skip


@pytest.mark.parametrize("bad", ["../a01", "a/b", "..", "", ".hidden", "a01\x00", "a" * 65, "/etc/passwd", "a b"])
def test_ids_that_could_escape_the_directory_are_refused(tmp_path, bad):
    store = storage.RankingStore(tmp_path / "r")
    with pytest.raises(InputError):
        store.path(bad)
    with pytest.raises(InputError):
        store.save(record(annotator=bad))
    assert not any(tmp_path.rglob("*.jsonl"))


@pytest.mark.parametrize(
    "ranking", [["empathy_r1", "base_nt"], ["empathy_r1", "base_nt", "base_nt"], ["empathy_r1", "base_nt", "x"],
                [], "empathy_r1", ["empathy_r1", "base_nt", "retrieval", "retrieval"]],
)  # fmt: skip
def test_only_complete_permutations_are_stored(tmp_path, ranking):
    store = storage.RankingStore(tmp_path)
    with pytest.raises(InputError):
        store.save(record(ranking=ranking))
    assert store.load("a01") == {}


def test_latest_save_wins_and_files_are_per_annotator(tmp_path):
    store = storage.RankingStore(tmp_path)
    store.save(record())
    store.save(record(ranking=list(SYSTEMS)))
    store.save(record(annotator="a02"))
    assert store.load("a01")[("eqa", "demo-000")]["ranking"] == SYSTEMS
    assert store.annotators() == ["a01", "a02"]
    assert {json.loads(line)["annotator"] for line in (tmp_path / "a02.jsonl").read_text().splitlines()} == {"a02"}


def test_concurrent_saves_all_land(tmp_path):
    store = storage.RankingStore(tmp_path)
    n_threads, per_thread = 8, 25

    def work(t):
        for i in range(per_thread):
            store.save(record(annotator=f"a0{t % 2}", sample=f"s-{t}-{i}"))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(len(store.load(a)) for a in ("a00", "a01"))
    assert total == n_threads * per_thread
    for a in ("a00", "a01"):  # every line is a whole record
        assert all(json.loads(x) for x in (tmp_path / f"{a}.jsonl").read_text().splitlines())


def test_crash_mid_write_loses_only_the_torn_item(tmp_path):
    store = storage.RankingStore(tmp_path)
    store.save(record(sample="s1"))
    store.save(record(sample="s2"))
    with open(tmp_path / "a01.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"annotator": "a01", "testset": "eqa", "sam')  # killed mid-write
    assert set(store.load("a01")) == {("eqa", "s1"), ("eqa", "s2")}
    store.save(record(sample="s3"))  # the next save cuts the torn tail first
    assert set(store.load("a01")) == {("eqa", "s1"), ("eqa", "s2"), ("eqa", "s3")}
    lines = (tmp_path / "a01.jsonl").read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(x) for x in lines)
    with open(tmp_path / "a01.jsonl", "a", encoding="utf-8") as handle:
        handle.write("garbage\n" + json.dumps(record(sample="s4")) + "\n")
    with pytest.raises(InputError, match=r"a01\.jsonl:4"):  # damage that is not a torn tail is an error
        store.load("a01")


def test_export_import_round_trip_and_refusals(tmp_path):
    items = storage.load_items([make_items(tmp_path / "items.jsonl")])
    src = storage.RankingStore(tmp_path / "laptop")
    src.save(record(sample="demo-000"))
    src.save(record(sample="demo-001"))
    n = storage.export_rankings(src, "a01", tmp_path / "a01-export.jsonl")
    dst = storage.RankingStore(tmp_path / "central")
    assert n == 2 and storage.import_rankings(dst, tmp_path / "a01-export.jsonl", items) == 2
    assert dst.load("a01") == src.load("a01")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record(sample="demo-002")) + "\n" + json.dumps(record(sample="nope")) + "\n")
    with pytest.raises(InputError, match="not in the items"):
        storage.import_rankings(dst, bad, items)
    assert len(dst.load("a01")) == 2  # nothing of a refused file is written


def test_people_file_hashes_codes(tmp_path):
    path = tmp_path / "annotators.csv"
    code = storage.add_person(path, "a01", "annotator")
    assert code not in path.read_text()
    people = storage.read_annotators(path)
    assert storage.authenticate(people, "a01", code).id == "a01"
    assert storage.authenticate(people, "a01", "wrong") is None
    assert storage.authenticate(people, "zz", code) is None
    with pytest.raises(InputError):
        storage.add_person(path, "../x", "annotator")


def test_display_order_is_seeded_per_annotator_and_sample():
    a = storage.display_order(1, "a01", "eqa", "s1", SYSTEMS)
    assert a == storage.display_order(1, "a01", "eqa", "s1", list(reversed(SYSTEMS)))
    orders = {
        tuple(storage.display_order(1, who, "eqa", f"s{i}", SYSTEMS)) for who in ("a01", "a02") for i in range(20)
    }
    assert len(orders) > 1 and sorted(a) == sorted(SYSTEMS)
