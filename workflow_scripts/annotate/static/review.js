// Review mode: approve / edit / reject each distilled chain; decisions go to the gate's decisions file.
"use strict";
(function () {
  const LEVELS = ["L1", "L2", "L3", "L4"];
  let names = {};

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === "className") e.className = v; else e.setAttribute(k, v); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function paras(parent, text) {
    String(text || "").split("\n").filter((l) => l.trim()).forEach((line) => parent.appendChild(el("p", {}, line)));
  }

  async function decide(chain, card, payload) {
    const status = card.querySelector(".decided");
    status.textContent = "Saving…";
    const res = await fetch("/api/review/" + encodeURIComponent(chain.id), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) { status.textContent = "Not saved: " + (body.error || res.status); return; }
    status.textContent = "Decision: " + body.decision + " by " + body.reviewer + " at " + body.timestamp;
    card.dataset.decision = body.decision;
    document.getElementById("review-counts").textContent =
      "approve " + body.counts.approve + " · edit " + body.counts.edit + " · reject " + body.counts.reject;
  }

  function render(chain, n) {
    const card = el("section", { className: "chain" + (chain.status === "valid" ? "" : " rejected-by-teacher"), "data-id": chain.id });
    card.appendChild(el("h2", {}, n + ". " + chain.title));
    card.appendChild(el("p", { className: "meta" }, chain.id + " · " + chain.topic + " · " + chain.status + (chain.reason ? " (" + chain.reason + ")" : "")));
    const desc = el("div", { className: "desc" });
    paras(desc, chain.description);
    card.appendChild(desc);
    const ref = el("details", {});
    ref.appendChild(el("summary", {}, "参考回答 (human reference answer)"));
    paras(ref, chain.reference_answer);
    card.appendChild(ref);
    const dl = el("dl", {});
    LEVELS.forEach((lvl) => {
      dl.appendChild(el("dt", {}, lvl + " " + (names[lvl] || "")));
      const dd = el("dd", { className: "level-" + lvl });
      paras(dd, chain.levels[lvl]);
      dl.appendChild(dd);
    });
    dl.appendChild(el("dt", {}, "回答 Answer"));
    const ans = el("dd", { className: "final-answer" });
    paras(ans, chain.final_answer);
    dl.appendChild(ans);
    card.appendChild(dl);
    const editor = el("div", { className: "editor", hidden: "" });
    LEVELS.forEach((lvl) => {
      const label = el("label", {}, lvl + " " + (names[lvl] || ""));
      const ta = el("textarea", { className: "edit-" + lvl });
      ta.value = chain.levels[lvl] || "";
      label.appendChild(ta);
      editor.appendChild(label);
    });
    const alabel = el("label", {}, "回答 Answer");
    const ata = el("textarea", { className: "edit-answer" });
    ata.value = chain.final_answer || "";
    alabel.appendChild(ata);
    editor.appendChild(alabel);
    const save = el("button", { type: "button", className: "save-edit" }, "Save edit");
    save.addEventListener("click", () => {
      const levels = {};
      LEVELS.forEach((lvl) => { levels[lvl] = editor.querySelector(".edit-" + lvl).value; });
      decide(chain, card, { decision: "edit", levels: levels, answer: ata.value });
    });
    editor.appendChild(save);
    const actions = el("div", { className: "actions" });
    const approve = el("button", { type: "button", className: "approve" }, "Approve");
    if (chain.status !== "valid") approve.disabled = true;
    approve.addEventListener("click", () => decide(chain, card, { decision: "approve" }));
    const edit = el("button", { type: "button", className: "edit" }, "Edit");
    edit.addEventListener("click", () => { editor.hidden = !editor.hidden; });
    const reject = el("button", { type: "button", className: "reject" }, "Reject");
    reject.addEventListener("click", () => decide(chain, card, { decision: "reject" }));
    [approve, edit, reject].forEach((b) => actions.appendChild(b));
    card.appendChild(actions);
    card.appendChild(editor);
    const d = chain.decision;
    card.appendChild(el("p", { className: "decided" }, d ? "Decision: " + d.decision + " by " + d.reviewer + " at " + d.timestamp : "No decision yet"));
    if (d) card.dataset.decision = d.decision;
    return card;
  }

  async function start() {
    const res = await fetch("/api/review", { credentials: "same-origin" });
    if (res.status === 401) { window.location = "/"; return; }
    const body = await res.json();
    names = body.level_names || {};
    const box = document.getElementById("chains");
    body.chains.forEach((c, i) => box.appendChild(render(c, i + 1)));
    if (!body.chains.length) box.appendChild(el("p", {}, "No chains to review yet (results/review/sheet.csv)."));
  }

  start();
})();
