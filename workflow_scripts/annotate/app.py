"""The annotation web app: CoE review for the psychology professional, blinded ranking for annotators.

Run it on the machine that holds the files (bound to 127.0.0.1 unless told otherwise)::

    python -m workflow_scripts.annotate.storage add-person --annotators config/human/annotators.csv --id a01
    python -m workflow_scripts.annotate.app --config config/config.yaml   # then open http://127.0.0.1:8765/

Everyone logs in with their id and access code (only a hash of it is stored). Reviewers get the
review mode: each chain of results/review/sheet.csv with its post, four CoE levels and answer, and
approve / edit / reject buttons; each decision is appended to the decisions file the review gate
reads (config/review/decisions.csv), validated with the gate's own reader before the file is
atomically replaced. Annotators get the ranking mode: every sample of every test set's items.jsonl,
responses labelled A, B, C... in an order seeded per annotator and sample (recorded with the
ranking), the paper's four guidance aspects, ranks by selects or by dragging, a progress bar,
autosave of each complete ranking, and resumption at the first unranked sample.

Safety: every ranking endpoint reads and writes only the logged-in annotator's own file (the id
comes from the signed session, never from the request); ids in URLs are validated and looked up,
never joined into paths; only complete permutations are stored; saves are locked, appended and
fsynced (see storage.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import logging
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock
from flask import Flask, abort, jsonify, redirect, render_template, request, session, url_for

from workflow_scripts import coe
from workflow_scripts.annotate.storage import (
    RankingStore,
    authenticate,
    check_permutation,
    display_order,
    letters,
    load_items,
    read_annotators,
)
from workflow_scripts.common.cli import configure_logging
from workflow_scripts.common.io import InputError, atomic_path
from workflow_scripts.distill import review

log = logging.getLogger(__name__)
GUIDANCE = (
    ("流畅性 Fluency", "语言自然连贯，不啰嗦 (natural and coherent language, penalizing verbosity)"),
    ("识别 Identification", "准确识别求助者的核心困境和情绪 (recognizes the core dilemma and emotions)"),
    ("安慰 Comforting", "真诚而非套话的支持，营造安全感 (genuine, non-formulaic support; a safe atmosphere)"),
    ("建议 Suggestion", "实用、建设性的建议 (practical and constructive advice)"),
)
_DECISIONS_LOCK = threading.Lock()


def read_sheet(path: str | Path) -> list[dict[str, str]]:
    """The chains to review, from the review checkpoint's sheet.csv (empty if it does not exist yet)."""
    if not path or not Path(path).exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def append_decision(path: str | Path, row: dict[str, str]) -> dict[str, review.Decision]:
    """Add one decision row (a later row for an id wins) and replace the file atomically.

    The new file is checked with the gate's own reader before it replaces the old one, so the app
    can never leave a decisions file the gate would refuse.
    """
    path = Path(path)
    with _DECISIONS_LOCK, FileLock(str(path) + ".lock"):
        rows: list[dict[str, str]] = []
        if path.exists():
            with open(path, encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        rows.append(row)
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=review.DECISION_COLUMNS, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
            decisions = review.read_decisions(tmp)
    return decisions


def current_decisions(path: str | Path | None) -> dict[str, review.Decision]:
    """Decisions recorded so far (none if the file does not exist)."""
    return review.read_decisions(path) if path and Path(path).exists() else {}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def create_app(
    *,
    annotators: str | Path,
    items: Sequence[str | Path] = (),
    rankings: str | Path,
    seed: int,
    sheet: str | Path | None = None,
    decisions: str | Path | None = None,
    secret_key: bytes | None = None,
) -> Flask:
    """The Flask app; all paths are fixed here, nothing in a request can change them."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    store = RankingStore(rankings)
    all_items = load_items(items)
    order_of_samples = [(ts, sid) for ts in sorted(all_items) for sid in all_items[ts]]

    def people():
        return read_annotators(annotators)  # re-read: adding a person needs no restart

    def login_required(role: str) -> Callable:
        def wrap(view):
            @functools.wraps(view)
            def inner(*args, **kwargs):
                user = session.get("user")
                if not user or session.get("role") != role or user not in people():
                    if request.path.startswith("/api/"):
                        abort(401)
                    return redirect(url_for("login"))
                return view(*args, **kwargs)

            return inner

        return wrap

    def json_body() -> dict[str, Any]:
        if not request.is_json:
            abort(415)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        return body

    def item_or_404(testset: str, sample_id: str) -> dict[str, Any]:
        item = all_items.get(testset, {}).get(sample_id)
        if item is None:
            abort(404)
        return item

    def shown_order(user: str, testset: str, sample_id: str, item: dict[str, Any]) -> list[str]:
        return display_order(seed, user, testset, sample_id, [r["system"] for r in item["responses"]])

    @app.after_request
    def headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(InputError)
    def bad_input(err):
        return jsonify(error=str(err)), 400

    @app.route("/", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            person = authenticate(people(), request.form.get("id", "").strip(), request.form.get("code", "").strip())
            if person is None:
                error = "Unknown id or wrong access code."
            else:
                session.clear()
                session.update(user=person.id, role=person.role)
                return redirect(url_for("rank_page" if person.role == "annotator" else "review_page"))
        return render_template("login.html", error=error), (401 if error else 200)

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"))

    # --- ranking mode ------------------------------------------------------------------------------

    @app.get("/rank")
    @login_required("annotator")
    def rank_page():
        return render_template("rank.html", user=session["user"], guidance=GUIDANCE)

    @app.get("/api/progress")
    @login_required("annotator")
    def progress():
        done = store.load(session["user"])
        samples = [{"testset": ts, "sample_id": sid, "done": (ts, sid) in done} for ts, sid in order_of_samples]
        return jsonify(samples=samples, done=sum(s["done"] for s in samples), total=len(samples))

    @app.get("/api/item/<testset>/<sample_id>")
    @login_required("annotator")
    def get_item(testset: str, sample_id: str):
        user = session["user"]
        item = item_or_404(testset, sample_id)
        order = shown_order(user, testset, sample_id, item)
        labels = letters(len(order))
        text = {r["system"]: r["text"] for r in item["responses"]}
        saved = store.load(user).get((testset, sample_id))
        ranking = None
        if saved and saved["shown"] == order:
            ranking = [labels[order.index(system)] for system in saved["ranking"]]
        return jsonify(
            testset=testset,
            sample_id=sample_id,
            index=order_of_samples.index((testset, sample_id)),
            title=item.get("title", ""),
            description=item.get("description", ""),
            responses=[{"label": lab, "text": text[system]} for lab, system in zip(labels, order, strict=True)],
            ranking=ranking,
        )

    @app.post("/api/rank/<testset>/<sample_id>")
    @login_required("annotator")
    def save_ranking(testset: str, sample_id: str):
        user = session["user"]
        item = item_or_404(testset, sample_id)
        body = json_body()
        order = shown_order(user, testset, sample_id, item)
        labels = letters(len(order))
        ranking = check_permutation(body.get("ranking"), labels)
        record = {
            "annotator": user,
            "testset": testset,
            "sample_id": sample_id,
            "shown": order,
            "ranking": [order[labels.index(lab)] for lab in ranking],
            "saved_at": _now(),
        }
        store.save(record)
        done = store.load(user)
        return jsonify(ok=True, done=sum(key in done for key in order_of_samples), total=len(order_of_samples))

    # --- review mode -------------------------------------------------------------------------------

    @app.get("/review")
    @login_required("reviewer")
    def review_page():
        return render_template("review.html", user=session["user"], decisions=str(decisions))

    @app.get("/api/review")
    @login_required("reviewer")
    def review_list():
        recorded = current_decisions(decisions)
        chains = []
        for row in read_sheet(sheet):
            dec = recorded.get(row["id"])
            chains.append(
                {
                    "id": row["id"],
                    "status": row.get("status", ""),
                    "reason": row.get("reason", ""),
                    "topic": row.get("topic", ""),
                    "title": row.get("title", ""),
                    "description": row.get("description", ""),
                    "reference_answer": row.get("reference_answer", ""),
                    "levels": {
                        lvl: (dec.edited.levels[lvl] if dec and dec.edited else row.get(lvl, "")) for lvl in coe.LEVELS
                    },
                    "final_answer": dec.edited.answer if dec and dec.edited else row.get("final_answer", ""),
                    "decision": {"decision": dec.decision, "reviewer": dec.reviewer, "timestamp": dec.timestamp}
                    if dec
                    else None,
                }
            )
        return jsonify(chains=chains, level_names=coe.LEVEL_NAMES)

    @app.post("/api/review/<chain_id>")
    @login_required("reviewer")
    def review_decide(chain_id: str):
        chain = next((row for row in read_sheet(sheet) if row["id"] == chain_id), None)
        if chain is None or decisions is None:
            abort(404)
        body = json_body()
        decision = body.get("decision")
        if decision not in review.DECISIONS:
            raise InputError(f"decision must be one of {'|'.join(review.DECISIONS)}")
        if decision == "approve" and chain.get("status") != "valid":
            raise InputError("the teacher's chain failed validation: edit it or reject it")
        edited_text = ""
        if decision == "edit":
            levels = body.get("levels") or {}
            answer = body.get("answer")
            if not isinstance(levels, dict) or not isinstance(answer, str):
                raise InputError("an edit needs 'levels' (L1..L4) and 'answer'")
            parts = {lvl: str(levels.get(lvl, "")).strip() for lvl in coe.LEVELS}
            try:
                edited_text = coe.format_coe(parts, answer.strip())
            except ValueError as err:
                raise InputError(f"every level and the answer must be non-empty ({err})") from err
            if coe.parse_coe(edited_text) is None:
                raise InputError("every level and the answer must be non-empty")
        row = {
            "id": chain_id,
            "decision": decision,
            "edited_text": edited_text,
            "reviewer": session["user"],
            "timestamp": _now(),
        }
        recorded = append_decision(decisions, row)
        counts = {d: sum(x.decision == d for x in recorded.values()) for d in review.DECISIONS}
        return jsonify(ok=True, decision=decision, reviewer=row["reviewer"], timestamp=row["timestamp"], counts=counts)

    return app


def _load_config(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Annotation web app: CoE review and blinded human ranking.")
    parser.add_argument("--config", default="config/config.yaml", help="reads its 'human' and 'review' sections")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--items", nargs="*", help="items.jsonl files (default: results/human/*/items.jsonl)")
    parser.add_argument("--sheet", default="results/review/sheet.csv", help="review sheet CSV")
    parser.add_argument("--secret-file", help="file holding the session key (default: new key per start)")
    args = parser.parse_args(argv)
    configure_logging()
    config = _load_config(args.config)
    human = config["human"]
    items = args.items
    if items is None:
        items = [p for ts in human["testsets"] if (p := f"results/human/{ts}/items.jsonl") and os.path.exists(p)]
    secret = Path(args.secret_file).read_bytes() if args.secret_file else None
    app = create_app(
        annotators=human["annotators"],
        items=items,
        rankings=human["rankings"],
        seed=int(human["seed"]),
        sheet=args.sheet,
        decisions=config["review"]["decisions"],
        secret_key=secret,
    )
    log.info("items: %s; open http://%s:%d/", items or "none (ranking mode empty)", args.host, args.port)
    from werkzeug.serving import run_simple

    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    try:
        main()
    except InputError as err:
        raise SystemExit(f"error: {err}") from None
