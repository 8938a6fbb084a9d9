"""Per-annotator storage of rankings, the annotator list, and the items annotators rank.

Each annotator's rankings live in their own append-only JSON-lines file,
``<rankings dir>/<annotator id>.jsonl``; a later record for the same (testset, sample) wins.
Appends happen under a per-file lock and are fsynced, so concurrent saves lose nothing and a
crash loses at most the item being saved (a torn last line is skipped with a warning). The
annotator id is checked against a strict pattern before it ever becomes part of a path; test
set and sample ids are only looked up, never joined into paths. The same files are what the
workflow's aggregation reads, and what ``export``/``import`` move between machines.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import random
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock
from werkzeug.security import check_password_hash, generate_password_hash

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, atomic_path, read_jsonl

log = logging.getLogger(__name__)
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SAMPLE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
ROLES = ("annotator", "reviewer")
ANNOTATOR_COLUMNS = ("id", "role", "code_hash")
RECORD_KEYS = ("annotator", "testset", "sample_id", "shown", "ranking", "saved_at")
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def check_id(value: str, what: str = "id", pattern: re.Pattern[str] = ID_PATTERN) -> str:
    """Return ``value`` if it matches the strict id pattern; anything else (``..``, ``/``) raises InputError."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InputError(f"{what} {value!r} is not a valid id (letters, digits, '_' and '-', at most 64 chars)")
    return value


# --- annotators and access codes ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One row of the annotators file: id, role and the hash of their access code (never the code)."""

    id: str
    role: str
    code_hash: str


def read_annotators(path: str | Path) -> dict[str, Person]:
    """Read the annotators file (CSV id,role,code_hash); a bad row raises InputError naming file:line."""
    people: dict[str, Person] = {}
    if not Path(path).exists():
        return people
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ANNOTATOR_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: header lacks columns {missing}; expected {','.join(ANNOTATOR_COLUMNS)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            try:
                pid = check_id((row["id"] or "").strip(), "annotator id")
            except InputError as err:
                raise InputError(f"{where}: {err}") from err
            role = (row["role"] or "").strip()
            if role not in ROLES:
                raise InputError(f"{where}: role {role!r} is not one of {'|'.join(ROLES)}")
            code_hash = (row["code_hash"] or "").strip()
            if not code_hash or ":" not in code_hash:
                raise InputError(f"{where}: code_hash is empty or not a hash; add people with `add-person`")
            if pid in people:
                raise InputError(f"{where}: annotator id {pid!r} appears twice")
            people[pid] = Person(pid, role, code_hash)
    return people


def add_person(path: str | Path, person_id: str, role: str, code: str | None = None, method: str = "scrypt") -> str:
    """Append a person with a hashed access code (generated if not given); return the plain code once.

    ``method`` is Werkzeug's hash method (scrypt by default; tests use a cheap one).
    """
    check_id(person_id, "annotator id")
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of {'|'.join(ROLES)}")
    people = read_annotators(path)
    if person_id in people:
        raise InputError(f"{path}: {person_id!r} already exists")
    code = code or "-".join(f"{random.SystemRandom().randrange(10**4):04d}" for _ in range(3))
    people[person_id] = Person(person_id, role, generate_password_hash(code, method=method))
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ANNOTATOR_COLUMNS)
        for p in people.values():
            writer.writerow((p.id, p.role, p.code_hash))
    return code


def authenticate(people: dict[str, Person], person_id: str, code: str) -> Person | None:
    """The person if the id exists and the code matches its hash; None otherwise (no hint which failed)."""
    person = people.get(person_id or "")
    if person is None or not code:
        return None
    return person if check_password_hash(person.code_hash, code) else None


# --- items: what annotators rank --------------------------------------------------------------------


def load_items(paths: Iterable[str | Path]) -> dict[str, dict[str, dict[str, Any]]]:
    """Items per test set and sample id from items.jsonl files (written by ``workflow_scripts.annotate.sampling``)."""
    items: dict[str, dict[str, dict[str, Any]]] = {}
    for path in paths:
        for lineno, row in enumerate(read_jsonl(path), start=1):
            testset, sid = row.get("testset"), row.get("sample_id")
            try:
                check_id(testset, "testset")
                check_id(sid, "sample_id", SAMPLE_PATTERN)
            except InputError as err:
                raise InputError(f"{path}:{lineno}: {err}") from err
            systems = [r["system"] for r in row.get("responses", [])]
            if len(systems) < 2 or len(set(systems)) != len(systems):
                raise InputError(f"{path}:{lineno}: an item needs >= 2 responses from distinct systems")
            items.setdefault(testset, {})[sid] = row
    return items


def display_order(seed: int, annotator: str, testset: str, sample_id: str, systems: Sequence[str]) -> list[str]:
    """Systems in the order this annotator sees them for this sample: seeded, so it is stable and recorded."""
    order = sorted(systems)
    random.Random(f"{seed}|{annotator}|{testset}|{sample_id}").shuffle(order)
    return order


def letters(n: int) -> list[str]:
    """Blinded labels shown instead of system names: A, B, C, ..."""
    return [chr(ord("A") + i) for i in range(n)]


def check_permutation(ranking: Sequence[Any], labels: Sequence[str]) -> list[str]:
    """``ranking`` (best first) must name every label exactly once; otherwise InputError says what is wrong."""
    if not isinstance(ranking, list) or not all(isinstance(x, str) for x in ranking):
        raise InputError("ranking must be a list of response labels, best first")
    missing = sorted(set(labels) - set(ranking))
    extra = sorted(set(ranking) - set(labels))
    if missing or extra or len(ranking) != len(labels):
        raise InputError(
            f"ranking must order all {len(labels)} responses exactly once (missing {missing}, unknown {extra}, "
            f"given {len(ranking)})"
        )
    return list(ranking)


# --- per-annotator rankings files -------------------------------------------------------------------


def _thread_lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path.resolve()), threading.Lock())


class RankingStore:
    """Append-only per-annotator rankings files under one directory (the config's human.rankings)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, annotator: str) -> Path:
        """The file of one annotator; the id is validated, so it can never leave the directory."""
        return self.root / f"{check_id(annotator, 'annotator id')}.jsonl"

    def save(self, record: dict[str, Any]) -> dict[str, Any]:
        """Append one complete record (validated) under a thread + file lock, fsynced before returning."""
        record = validate_record(record, "record")
        path = self.path(record["annotator"])
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with _thread_lock(path), FileLock(str(path) + ".lock"), open(path, "ab+") as handle:
            _drop_torn_tail(handle)
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        return record

    def load(self, annotator: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest record per (testset, sample_id) of one annotator."""
        return latest(read_records(self.path(annotator)))

    def annotators(self) -> list[str]:
        """Annotators with a rankings file, in id order."""
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.jsonl") if ID_PATTERN.fullmatch(p.stem))


def _drop_torn_tail(handle) -> None:
    """Cut a partial last line (a save killed mid-write, never acknowledged) so the next record starts clean."""
    end = handle.seek(0, os.SEEK_END)
    if end == 0:
        return
    handle.seek(end - 1)
    if handle.read(1) == b"\n":
        return
    keep = end
    while keep > 0:
        step = min(4096, keep)
        handle.seek(keep - step)
        chunk = handle.read(step)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            keep = keep - step + cut + 1
            break
        keep -= step
    log.warning("%s: dropped a torn last line (%d bytes) left by an interrupted save", handle.name, end - keep)
    handle.truncate(keep)
    handle.seek(0, os.SEEK_END)


def validate_record(record: dict[str, Any], where: str) -> dict[str, Any]:
    """Check a record's shape: ids valid, ``ranking`` a permutation of ``shown`` (systems, best first)."""
    if not isinstance(record, dict) or any(k not in record for k in RECORD_KEYS):
        raise InputError(f"{where}: a ranking record needs keys {list(RECORD_KEYS)}")
    check_id(record["annotator"], f"{where}: annotator")
    check_id(record["testset"], f"{where}: testset")
    check_id(record["sample_id"], f"{where}: sample_id", SAMPLE_PATTERN)
    shown = record["shown"]
    if not isinstance(shown, list) or len(shown) < 2 or len(set(shown)) != len(shown):
        raise InputError(f"{where}: 'shown' must list the systems in display order, each once")
    try:
        check_permutation(record["ranking"], shown)
    except InputError as err:
        raise InputError(f"{where}: {err}") from err
    try:
        dt.datetime.fromisoformat(record["saved_at"])
    except (TypeError, ValueError) as err:
        raise InputError(f"{where}: saved_at {record['saved_at']!r} is not ISO 8601") from err
    return {k: record[k] for k in RECORD_KEYS}


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """All valid records of one file, in order; a torn last line (a crash mid-write) is skipped with a warning."""
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    records = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            if lineno == len(lines):
                log.warning("%s:%d: torn last line (interrupted save) skipped", path, lineno)
                continue
            raise InputError(f"{path}:{lineno}: not valid JSON ({err.msg}); fix or delete this row") from err
        records.append(validate_record(row, f"{path}:{lineno}"))
    return records


def latest(records: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The last record per (testset, sample_id): re-ranking an item replaces the earlier ranking."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        out[(rec["testset"], rec["sample_id"])] = rec
    return out


def export_rankings(store: RankingStore, annotator: str, output: str | Path) -> int:
    """Write one annotator's latest rankings as a JSON-lines file to hand in; return the count."""
    rows = sorted(store.load(annotator).values(), key=lambda r: (r["testset"], r["sample_id"]))
    with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return len(rows)


def import_rankings(
    store: RankingStore, source: str | Path, items: dict[str, dict[str, dict[str, Any]]] | None = None
) -> int:
    """Validate a handed-in rankings file (every row, before anything is written) and append it to the store.

    With ``items``, each row's systems must be exactly the item's systems, so a file made for another
    evaluation set is refused as a whole.
    """
    rows = [validate_record(r, f"{source}:{n}") for n, r in enumerate(read_jsonl(source), start=1)]
    for n, row in enumerate(rows, start=1):
        if items is not None:
            item = items.get(row["testset"], {}).get(row["sample_id"])
            if item is None:
                raise InputError(f"{source}:{n}: sample {row['testset']}/{row['sample_id']} is not in the items")
            if sorted(row["shown"]) != sorted(r["system"] for r in item["responses"]):
                raise InputError(f"{source}:{n}: systems {sorted(row['shown'])} differ from the item's")
    for row in rows:
        store.save(row)
    return len(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Annotators and rankings files: add a person, export or import rankings.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-person", help="add an annotator or reviewer; prints their access code once")
    add.add_argument("--annotators", required=True)
    add.add_argument("--id", required=True)
    add.add_argument("--role", choices=ROLES, default="annotator")
    add.add_argument("--code", help="use this code instead of a generated one")
    exp = sub.add_parser("export", help="write one annotator's rankings to a file")
    exp.add_argument("--rankings", required=True)
    exp.add_argument("--annotator", required=True)
    exp.add_argument("--output", required=True)
    imp = sub.add_parser("import", help="validate a rankings file and merge it into the rankings dir")
    imp.add_argument("--rankings", required=True)
    imp.add_argument("--input", required=True)
    imp.add_argument("--items", nargs="*", default=[])
    args = parser.parse_args(argv)
    if args.command == "add-person":
        code = add_person(args.annotators, args.id, args.role, args.code)
        print(f"{args.id} ({args.role}) access code: {code}")
    elif args.command == "export":
        n = export_rankings(RankingStore(args.rankings), args.annotator, args.output)
        print(f"exported {n} rankings to {args.output}")
    else:
        items = load_items(args.items) if args.items else None
        n = import_rankings(RankingStore(args.rankings), args.input, items)
        print(f"imported {n} rankings into {args.rankings}")


if __name__ == "__main__":
    run_main(main)
