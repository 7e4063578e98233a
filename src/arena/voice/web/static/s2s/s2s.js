// S2S battle page: ask (clip or recording), gated wait with timer and skip, listen, vote, reveal.
import { api, ApiError, el, fmt } from "../api.js";
import {
  $, bindBattleKeys, bindInputTabs, bindRecordingInput, postInput, recordingForm, renderWinnerButtons, setStatus,
} from "../stt/voice-input.js";

const state = { battle: null, clips: [], recording: null, answers: null, busy: false, abort: null, played: new Set() };
const question = new Audio();

function setAskEnabled(enabled) {
  $("ask-clip").disabled = !enabled || !state.clips.length;
  $("ask-recording").disabled = !enabled || !state.recording;
}

async function loadClips() {
  state.clips = await api("/api/v1/clips?kind=s2s");
  $("clip-select").replaceChildren(...state.clips.map((c) =>
    el("option", { value: c.id }, `${c.id.replace(/^question-/, "").replaceAll("-", " ")} (${c.duration_s.toFixed(1)} s)`)));
  if (!state.clips.length) $("clip-select").append(el("option", { value: "" }, "No spoken questions — `arena serve` renders them at start-up (needs an offline TTS voice)"));
}

function showClip(id) {
  const clip = state.clips.find((c) => c.id === id);
  $("clip-select").value = id ?? "";
  question.src = clip ? clip.audio_url : "";
}

async function newBattle() {
  state.abort?.abort();
  if (state.busy && !state.abort) return;
  state.busy = true;
  state.answers = null;
  state.played.clear();
  $("answers").replaceChildren();
  $("vote-form").hidden = true;
  $("reveal").hidden = true;
  $("gate").hidden = true;
  setStatus("Starting a battle…");
  try {
    if (!state.clips.length) await loadClips();
    state.battle = await api("/api/v1/battles/generate", { method: "POST", body: { battle_type: "s2s" } });
    showClip(state.battle.details.clip?.id ?? state.clips[0]?.id);
    setAskEnabled(true);
    setStatus(`${state.battle.details.candidate_count} systems are listening. Pick a question or ask your own.`);
    history.replaceState(null, "", `#${state.battle.id}`);
  } catch (err) {
    setStatus(err.message, "error");
  } finally {
    state.busy = false;
  }
}

async function ask(payload) {
  if (state.busy || !state.battle) return;
  state.busy = true;
  setAskEnabled(false);
  const abort = new AbortController();
  state.abort = abort;
  const started = performance.now();
  $("gate").hidden = false;
  const ticker = setInterval(() => { $("gate-timer").textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`; }, 100);
  setStatus("");
  try {
    const data = await postInput(`/api/v1/battles/${state.battle.id}/input-audio`, payload, abort.signal);
    state.answers = data;
    renderAnswers(data);
    renderVoteForm(data);
    setStatus(`All answered${data.skipped ? ` (${data.skipped} too slow and skipped)` : ""}. Listen to each, then vote.`, "ok");
  } catch (err) {
    if (err.name !== "AbortError") {
      setStatus(err.message, "error");
      setAskEnabled(!(err instanceof ApiError && err.status === 502));
    }
  } finally {
    clearInterval(ticker);
    $("gate").hidden = true;
    if (state.abort === abort) state.abort = null;
    state.busy = false;
  }
}

function renderAnswers(data) {
  $("answers").replaceChildren(...data.candidates.map((c) => {
    const audio = el("audio", { controls: true, preload: "auto", src: c.audio_url, "data-label": c.label });
    audio.addEventListener("play", () => {
      for (const other of $("answers").querySelectorAll("audio")) if (other !== audio) other.pause();
    });
    audio.addEventListener("ended", () => { state.played.add(c.label); updateVoteButtons(); });
    return el("li", { class: "answer", id: `answer-${c.label}` },
      el("div", { class: "head" }, el("strong", { class: "label" }, c.label.toUpperCase()),
        el("span", { class: "meta small muted" }, ` first audio ${fmt(c.first_audio_s, 2, " s")} · end to end ${fmt(c.e2e_latency_s, 2, " s")}`)),
      audio,
      el("div", { class: "reveal-slot" }));
  }));
}

function renderVoteForm(data) {
  const labels = data.candidates.map((c) => c.label);
  renderWinnerButtons(labels, (l) => `${l.toUpperCase()} is best`, vote);
  const subs = $("sub-votes");
  subs.replaceChildren(el("legend", {}, "Optional details"));
  for (const [key, text] of Object.entries(state.battle.sub_votes)) {
    subs.append(el("label", { class: "sub-vote", for: `sub-${key}` }, text,
      el("select", { id: `sub-${key}`, name: key }, el("option", { value: "" }, "—"),
        ...labels.map((l) => el("option", { value: l }, l.toUpperCase())), el("option", { value: "tie" }, "Tie"))));
  }
  $("vote-form").hidden = false;
  updateVoteButtons();
}

function updateVoteButtons() {
  const ready = state.answers && state.answers.candidates.every((c) => state.played.has(c.label));
  for (const b of $("winner-buttons").querySelectorAll("button")) b.disabled = !ready || state.busy;
  if (state.answers && !ready) setStatus("Play every answer to the end to unlock voting.");
}

async function vote(winner) {
  if (state.busy || !state.battle) return;
  state.busy = true;
  updateVoteButtons();
  const subVotes = {};
  for (const select of $("sub-votes").querySelectorAll("select")) if (select.value) subVotes[select.name] = select.value;
  try {
    await api(`/api/v1/battles/${state.battle.id}/vote`, { method: "POST", body: { winner, sub_votes: subVotes } });
    $("vote-form").hidden = true;
    $("reveal").hidden = false;
    setStatus("Vote recorded. Here is who was who.", "ok");
    await pollMetrics(state.battle.id, winner);
  } catch (err) {
    setStatus(err.message, "error");
  } finally {
    state.busy = false;
  }
}

async function pollMetrics(battleId, winner) {
  for (let polls = 0; polls < 300; polls++) {
    const metrics = await api(`/api/v1/battles/${battleId}/metrics`);
    if (state.battle?.id !== battleId) return;
    reveal(metrics, winner);
    if (metrics.status === "complete") return;
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
}

function reveal(metrics, winner) {
  $("metric-status").textContent = metrics.error ? `Some metrics could not be computed: ${metrics.error}`
    : metrics.status === "complete" ? "Metrics complete."
    : `Metrics ${metrics.status}… (transcribing answers and scoring relevance)`;
  $("metric-status").dataset.status = metrics.status;
  $("input-transcript").textContent = metrics.input_transcript == null ? "Transcribing your question…"
    : `Question (${(metrics.input_source ?? "").replace("_", " ")}): ${metrics.input_transcript}`;
  $("reveal-rows").replaceChildren(...metrics.candidates.map((m) => {
    const won = winner === m.label;
    const slot = document.querySelector(`#answer-${m.label} .reveal-slot`);
    slot?.replaceChildren(el("strong", { class: "reveal-name" }, m.display_name),
      el("p", { class: "small" }, `Heard: ${m.heard ?? "–"}`),
      el("p", { class: "small" }, `Said: ${m.response_text ?? "–"}`),
      m.response_transcript == null ? "" : el("p", { class: "small muted" }, `Recognized in its audio: ${m.response_transcript}`));
    return el("tr", { class: won ? "winner" : "" },
      el("td", {}, m.label.toUpperCase(), won ? " 🏆" : ""),
      el("td", {}, el("strong", {}, m.display_name)),
      el("td", {}, m.provider),
      el("td", { class: "num" }, fmt(m.e2e_latency_s, 2, " s")),
      el("td", { class: "num" }, fmt(m.first_audio_s, 2, " s")),
      el("td", { class: "num", title: m.relevance_reason || m.relevance_method || "" },
        m.relevance == null ? "…" : `${Math.round(m.relevance * 100)}%`));
  }));
}

const recorder = bindRecordingInput((result) => {
  state.recording = result;
  setAskEnabled(!state.answers);
  setStatus(`Recorded ${result.seconds.toFixed(1)} s. Ask every system when ready.`);
});

bindInputTabs();
$("clip-select").addEventListener("change", (e) => showClip(e.target.value));
$("clip-play").addEventListener("click", () => { question.currentTime = 0; question.play().catch(() => {}); });
$("ask-clip").addEventListener("click", () => ask({ curated_clip_id: $("clip-select").value }));
$("ask-recording").addEventListener("click", async () => {
  await recorder.stop();
  if (!state.recording) return;
  ask(recordingForm(state.recording));
});
$("skip").addEventListener("click", () => { setStatus("Skipped. Here is a new battle."); newBattle(); });
$("new-battle").addEventListener("click", newBattle);
bindBattleKeys(newBattle);

newBattle();
