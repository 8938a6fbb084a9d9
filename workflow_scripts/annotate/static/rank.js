// Ranking mode: blinded responses (labels only), full ranking by selects or drag, autosave, resume.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let samples = [];
  let index = 0;
  let labels = [];
  let ranks = {}; // label -> rank (1..k) or undefined

  function paras(el, text) {
    el.textContent = "";
    String(text || "").split("\n").filter((l) => l.trim()).forEach((line) => {
      const p = document.createElement("p");
      p.textContent = line;
      el.appendChild(p);
    });
  }

  function setStatus(text, kind) {
    const el = $("status");
    el.textContent = text;
    el.className = "status " + (kind || "");
  }

  async function api(path, options) {
    const res = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
    if (res.status === 401) { window.location = "/"; throw new Error("logged out"); }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || ("HTTP " + res.status));
    return body;
  }

  function updateProgress(done, total) {
    $("progress").max = Math.max(total, 1);
    $("progress").value = done;
    $("progress-text").textContent = done + " / " + total;
  }

  function draftKey() {
    const s = samples[index];
    return "rank-draft:" + document.querySelector(".who").textContent + ":" + s.testset + "/" + s.sample_id;
  }

  function complete() {
    const values = labels.map((l) => ranks[l]).filter((v) => v);
    return values.length === labels.length && new Set(values).size === labels.length;
  }

  function orderedLabels() {
    const ranked = labels.filter((l) => ranks[l]).sort((a, b) => ranks[a] - ranks[b]);
    return ranked.concat(labels.filter((l) => !ranks[l]));
  }

  function renderStrip() {
    const strip = $("ranking-strip");
    strip.textContent = "";
    orderedLabels().forEach((label) => {
      const li = document.createElement("li");
      li.textContent = ranks[label] ? ranks[label] + ". " + label : label;
      li.dataset.label = label;
      li.draggable = true;
      if (!ranks[label]) li.className = "unranked";
      li.addEventListener("dragstart", (e) => e.dataTransfer.setData("text/plain", label));
      li.addEventListener("dragover", (e) => { e.preventDefault(); li.classList.add("over"); });
      li.addEventListener("dragleave", () => li.classList.remove("over"));
      li.addEventListener("drop", (e) => {
        e.preventDefault();
        const moved = e.dataTransfer.getData("text/plain");
        const order = orderedLabels().filter((l) => l !== moved);
        order.splice(order.indexOf(label), 0, moved);
        order.forEach((l, i) => { ranks[l] = i + 1; });
        changed();
      });
      strip.appendChild(li);
    });
    document.querySelectorAll(".rank-select").forEach((sel) => {
      sel.value = ranks[sel.dataset.label] ? String(ranks[sel.dataset.label]) : "";
    });
  }

  async function changed() {
    renderStrip();
    localStorage.setItem(draftKey(), JSON.stringify(ranks));
    if (!complete()) {
      setStatus("Incomplete: give every response a different rank (" + labels.length + " in all).", "");
      return;
    }
    const s = samples[index];
    setStatus("Saving…", "");
    try {
      const body = await api("/api/rank/" + encodeURIComponent(s.testset) + "/" + encodeURIComponent(s.sample_id), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ranking: orderedLabels() }),
      });
      s.done = true;
      localStorage.removeItem(draftKey());
      updateProgress(body.done, body.total);
      setStatus("Saved ✓", "saved");
    } catch (err) {
      setStatus("Not saved: " + err.message, "error");
    }
  }

  function onSelect(event) {
    const label = event.target.dataset.label;
    const value = parseInt(event.target.value, 10);
    if (!value) { delete ranks[label]; changed(); return; }
    const holder = labels.find((l) => l !== label && ranks[l] === value);
    if (holder) {
      if (ranks[label]) ranks[holder] = ranks[label]; else delete ranks[holder];
    }
    ranks[label] = value;
    changed();
  }

  let loading = 0; // id of the newest show() call: a slower, older load must not overwrite it

  async function show(i) {
    const target = Math.max(0, Math.min(i, samples.length - 1));
    const s = samples[target];
    const ticket = ++loading;
    const item = await api("/api/item/" + encodeURIComponent(s.testset) + "/" + encodeURIComponent(s.sample_id));
    if (ticket !== loading) return;
    // switch sample only once its item is here: until then a rank change still belongs to the shown sample
    index = target;
    $("item").hidden = false;
    $("item").dataset.sample = s.testset + "/" + s.sample_id;
    $("item-pos").textContent = "Sample " + (index + 1) + " of " + samples.length;
    $("item-id").textContent = s.testset + "/" + s.sample_id;
    $("q-title").textContent = item.title;
    paras($("q-desc"), item.description);
    labels = item.responses.map((r) => r.label);
    ranks = {};
    if (item.ranking) {
      item.ranking.forEach((l, k) => { ranks[l] = k + 1; });
    } else {
      try { Object.assign(ranks, JSON.parse(localStorage.getItem(draftKey()) || "{}")); } catch (e) { ranks = {}; }
    }
    const box = $("responses");
    box.textContent = "";
    item.responses.forEach((r) => {
      const card = document.createElement("article");
      card.className = "response";
      card.dataset.label = r.label;
      const head = document.createElement("div");
      const name = document.createElement("span");
      name.className = "label";
      name.textContent = "Response " + r.label + " ";
      const sel = document.createElement("select");
      sel.className = "rank-select";
      sel.dataset.label = r.label;
      sel.setAttribute("aria-label", "Rank of response " + r.label);
      const blank = document.createElement("option");
      blank.value = "";
      blank.textContent = "rank…";
      sel.appendChild(blank);
      labels.forEach((_, k) => {
        const opt = document.createElement("option");
        opt.value = String(k + 1);
        opt.textContent = String(k + 1);
        sel.appendChild(opt);
      });
      sel.addEventListener("change", onSelect);
      head.appendChild(name);
      head.appendChild(sel);
      const text = document.createElement("div");
      paras(text, r.text);
      card.appendChild(head);
      card.appendChild(text);
      box.appendChild(card);
    });
    renderStrip();
    setStatus(item.ranking ? "Saved ✓" : "", item.ranking ? "saved" : "");
    history.replaceState(null, "", "#" + s.testset + "/" + s.sample_id);
  }

  function firstUnranked(from) {
    for (let k = 0; k < samples.length; k++) {
      const j = (from + k) % samples.length;
      if (!samples[j].done) return j;
    }
    return -1;
  }

  async function start() {
    const prog = await api("/api/progress");
    samples = prog.samples;
    updateProgress(prog.done, prog.total);
    if (!samples.length) { $("empty").hidden = false; return; }
    $("prev").addEventListener("click", () => show(index - 1));
    $("next").addEventListener("click", () => show(index + 1));
    $("next-unranked").addEventListener("click", () => {
      const j = firstUnranked(index + 1);
      if (j < 0) { $("all-done").hidden = false; } else { show(j); }
    });
    const hash = decodeURIComponent(window.location.hash.slice(1));
    let j = samples.findIndex((s) => s.testset + "/" + s.sample_id === hash);
    if (j < 0) j = firstUnranked(0);
    if (j < 0) { $("all-done").hidden = false; j = 0; }
    show(j);
  }

  start();
})();
