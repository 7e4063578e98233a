// TTS battle page: generate, play every candidate, vote once all were played, reveal.
import { api, el, fmt, ignoreKey } from "./api.js";

const $ = (id) => document.getElementById(id);
const state = { battle: null, played: new Set(), audios: new Map(), busy: false };

function setStatus(text, kind = "") {
  $("status").textContent = text;
  $("status").className = `status ${kind}`;
}

function stopAll(except) {
  for (const audio of state.audios.values()) if (audio !== except) audio.pause();
}

function renderCandidates(battle) {
  const list = $("candidates");
  list.replaceChildren();
  state.audios.clear();
  battle.candidates.forEach((c, i) => {
    const audio = new Audio(c.audio_url);
    audio.preload = "auto";
    state.audios.set(c.label, audio);
    const bar = el("span", { class: "progress-bar" });
    const button = el("button", {
      type: "button", class: "play", "data-label": c.label,
      "aria-keyshortcuts": String(i + 1), "aria-label": `Play candidate ${c.label.toUpperCase()}`,
      onclick: () => toggle(c.label),
    }, "▶ Play");
    const played = el("span", { class: "played", "aria-hidden": "true" }, "");
    const item = el("li", { class: "candidate", id: `candidate-${c.label}` },
      el("span", { class: "label" }, c.label.toUpperCase()),
      el("div", { class: "candidate-body" },
        el("div", { class: "progress" }, bar),
        el("span", { class: "muted small" }, c.duration_s ? `${c.duration_s.toFixed(1)} s` : "")),
      button, played);
    audio.addEventListener("play", () => { button.textContent = "❚❚ Pause"; item.classList.add("playing"); });
    audio.addEventListener("pause", () => { button.textContent = "▶ Play"; item.classList.remove("playing"); });
    audio.addEventListener("timeupdate", () => {
      if (audio.duration) bar.style.width = `${(audio.currentTime / audio.duration) * 100}%`;
    });
    audio.addEventListener("ended", () => {
      bar.style.width = "100%";
      state.played.add(c.label);
      item.classList.add("done");
      played.textContent = "✓ played";
      updateVoteButtons();
    });
    list.append(item);
  });
}

function toggle(label) {
  const audio = state.audios.get(label);
  if (!audio) return;
  if (audio.paused) {
    stopAll(audio);
    audio.play().catch((err) => setStatus(`Could not play audio: ${err.message}`, "error"));
  } else {
    audio.pause();
  }
}

function renderVoteForm(battle) {
  const buttons = $("winner-buttons");
  buttons.replaceChildren();
  for (const winner of battle.allowed_winners) {
    const text = winner === "tie" ? "Tie" : winner === "all_bad" ? "All bad" : `${winner.toUpperCase()} is best`;
    const key = winner === "tie" ? "t" : winner === "all_bad" ? "x" : winner;
    buttons.append(el("button", {
      type: "button", class: `vote-button${winner.length === 1 ? " primary" : ""}`,
      "data-winner": winner, "aria-keyshortcuts": key.toUpperCase(), disabled: true,
      onclick: () => vote(winner),
    }, text));
  }
  const subs = $("sub-votes");
  subs.replaceChildren(el("legend", {}, "Optional details"));
  const labels = battle.candidates.map((c) => c.label);
  for (const [key, question] of Object.entries(battle.sub_votes)) {
    const select = el("select", { id: `sub-${key}`, name: key },
      el("option", { value: "" }, "—"),
      ...labels.map((l) => el("option", { value: l }, l.toUpperCase())),
      el("option", { value: "tie" }, "Tie"));
    subs.append(el("label", { class: "sub-vote", for: `sub-${key}` }, question, select));
  }
  subs.hidden = Object.keys(battle.sub_votes).length === 0;
  $("vote-form").hidden = false;
  updateVoteButtons();
}

function updateVoteButtons() {
  const battle = state.battle;
  const ready = battle && battle.status === "ready" &&
    battle.candidates.every((c) => state.played.has(c.label));
  for (const b of $("winner-buttons").querySelectorAll("button")) b.disabled = !ready || state.busy;
  const left = battle ? battle.candidates.filter((c) => !state.played.has(c.label)).length : 0;
  $("vote-hint").textContent = battle?.status !== "ready" ? "" :
    ready ? "All played: cast your vote." : `Play every candidate to unlock voting (${left} left).`;
}

function subVotes() {
  const out = {};
  for (const select of $("sub-votes").querySelectorAll("select")) if (select.value) out[select.name] = select.value;
  return out;
}

function show(battle) {
  state.battle = battle;
  $("prompt").hidden = false;
  $("prompt-category").textContent = battle.prompt?.category.replace("_", " ") ?? "";
  $("prompt-text").textContent = battle.prompt?.text ?? "";
  renderCandidates(battle);
  renderVoteForm(battle);
  history.replaceState(null, "", `#${battle.id}`);
  if (battle.status === "voted") {
    reveal(battle);
    setStatus("This battle was already voted on. Press N for a new one.");
  } else {
    setStatus(`${battle.candidates.length} candidates ready. Play each one.`);
  }
}

// Load the battle named in the URL (after a reload or from a shared link), else a new one.
async function start() {
  const id = location.hash.slice(1);
  if (!id) return newBattle();
  try {
    const battle = await api(`/api/v1/battles/${encodeURIComponent(id)}`);
    if (battle.battle_type === "tts" && battle.status !== "failed") return show(battle);
  } catch (err) {
    if (err.status !== 404) return setStatus(err.message, "error");
  }
  return newBattle();
}

async function newBattle() {
  if (state.busy) return;
  state.busy = true;
  stopAll();
  state.played.clear();
  $("reveal").hidden = true;
  $("vote-form").hidden = true;
  $("candidates").replaceChildren();
  setStatus("Generating a battle…");
  $("new-battle").disabled = true;
  try {
    show(await api("/api/v1/battles/generate", { method: "POST", body: { battle_type: "tts" } }));
  } catch (err) {
    setStatus(err.message, "error");
  } finally {
    state.busy = false;
    $("new-battle").disabled = false;
    updateVoteButtons();
  }
}

async function vote(winner) {
  if (state.busy || !state.battle) return;
  state.busy = true;
  updateVoteButtons();
  try {
    const battle = await api(`/api/v1/battles/${state.battle.id}/vote`, {
      method: "POST", body: { winner, sub_votes: subVotes() },
    });
    state.battle = battle;
    stopAll();
    reveal(battle);
    setStatus("Vote recorded. Here is who was who.", "ok");
  } catch (err) {
    setStatus(err.message, "error");
  } finally {
    state.busy = false;
    updateVoteButtons();
  }
}

function reveal(battle) {
  $("vote-form").hidden = true;
  const rows = $("reveal-rows");
  rows.replaceChildren();
  for (const c of battle.candidates) {
    const r = c.reveal ?? {};
    const m = r.metrics ?? {};
    const won = battle.vote?.winner === c.label;
    rows.append(el("tr", { class: won ? "winner" : "" },
      el("td", {}, c.label.toUpperCase(), won ? el("span", { class: "winner-mark" }, " ★ your pick") : null),
      el("td", {}, el("strong", {}, r.display_name ?? "?")),
      el("td", {}, r.provider ?? ""),
      el("td", { class: "num" }, fmt(m.synthesis_s, 2, " s")),
      el("td", { class: "num" }, fmt(m.ttfb_s, 2, " s")),
      el("td", { class: "num" }, fmt(m.rtf, 3)),
      el("td", { class: "num" }, fmt(c.duration_s, 1, " s"))));
    document.getElementById(`candidate-${c.label}`)?.append(
      el("span", { class: "reveal-name" }, r.display_name ?? ""));
  }
  const verdict = battle.vote?.winner;
  $("reveal").querySelector("h2").textContent =
    verdict === "tie" ? "You called it a tie" : verdict === "all_bad" ? "You found them all bad" : "Who was who";
  $("reveal").hidden = false;
}

document.addEventListener("keydown", (event) => {
  if (ignoreKey(event)) return;
  const key = event.key.toLowerCase();
  if (key === "n") { event.preventDefault(); newBattle(); return; }
  const battle = state.battle;
  if (!battle) return;
  const index = Number.parseInt(key, 10);
  if (index >= 1 && index <= battle.candidates.length) {
    event.preventDefault();
    toggle(battle.candidates[index - 1].label);
    return;
  }
  const winner = key === "t" ? "tie" : key === "x" ? "all_bad" : key;
  const button = $("winner-buttons").querySelector(`button[data-winner="${winner}"]`);
  if (button && !button.disabled && !$("vote-form").hidden) { event.preventDefault(); button.click(); }
});

$("new-battle").addEventListener("click", newBattle);
start();
