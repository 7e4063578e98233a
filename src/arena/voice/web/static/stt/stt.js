// STT battle page: pick a clip or record, transcribe with every candidate, vote, reveal WER + diff.
import { api, ApiError, el, fmt } from "../api.js";
import {
  $, bindBattleKeys, bindInputTabs, bindRecordingInput, postInput, recordingForm, renderWinnerButtons, setStatus,
} from "./voice-input.js";

const state = { battle: null, clips: [], recording: null, transcripts: null, busy: false };
const clipAudio = new Audio();
clipAudio.preload = "auto";

async function loadClips() {
  state.clips = await api("/api/v1/clips?kind=stt");
  const select = $("clip-select");
  select.replaceChildren(...state.clips.map((c) =>
    el("option", { value: c.id }, `${c.category}: ${c.id.replace(`${c.category}-`, "")} (${c.duration_s.toFixed(1)} s)`)));
  if (!state.clips.length) {
    select.append(el("option", { value: "" }, "No curated clips — `arena serve` renders them at start-up (needs an offline TTS voice)"));
    $("transcribe-clip").disabled = true;
  }
}

function showClip(id) {
  const clip = state.clips.find((c) => c.id === id);
  $("clip-select").value = id ?? "";
  $("clip-category").textContent = clip?.category ?? "";
  clipAudio.src = clip ? clip.audio_url : "";
  $("clip-progress").style.width = "0";
}

function playClip(restart) {
  if (!clipAudio.src) return;
  clipAudio.playbackRate = Number($("clip-speed").value);
  if (restart) clipAudio.currentTime = 0;
  if (clipAudio.paused || restart) clipAudio.play().catch((e) => setStatus(`Could not play: ${e.message}`, "error"));
  else clipAudio.pause();
}

clipAudio.addEventListener("timeupdate", () => {
  if (clipAudio.duration) $("clip-progress").style.width = `${(clipAudio.currentTime / clipAudio.duration) * 100}%`;
});
clipAudio.addEventListener("play", () => { $("clip-play").textContent = "❚❚ Pause"; });
clipAudio.addEventListener("pause", () => { $("clip-play").textContent = "▶ Play"; });

function resetView() {
  state.transcripts = null;
  $("transcripts").replaceChildren();
  $("vote-form").hidden = true;
  $("reveal").hidden = true;
  setInputsEnabled(true);
}

function setInputsEnabled(enabled) {
  $("transcribe-clip").disabled = !enabled || !state.clips.length;
  $("transcribe-recording").disabled = !enabled || !state.recording;
  $("clip-select").disabled = !enabled;
}

async function newBattle() {
  if (state.busy) return;
  state.busy = true;
  resetView();
  setStatus("Starting a battle…");
  try {
    if (!state.clips.length) await loadClips();
    state.battle = await api("/api/v1/battles/generate", { method: "POST", body: { battle_type: "stt" } });
    showClip(state.battle.details.clip?.id ?? state.clips[0]?.id);
    setInputsEnabled(true);
    setStatus(`${state.battle.details.candidate_count} systems are ready. Play the clip or record your own, then transcribe.`);
    history.replaceState(null, "", `#${state.battle.id}`);
  } catch (err) {
    setStatus(err.message, "error");
  } finally {
    state.busy = false;
  }
}

async function transcribe(payload) {
  if (state.busy || !state.battle) return;
  state.busy = true;
  setInputsEnabled(false);
  setStatus("Transcribing with every candidate…");
  try {
    const result = await postInput(`/api/v1/battles/${state.battle.id}/stt-transcribe`, payload);
    state.transcripts = result;
    renderTranscripts(result);
    renderVoteForm();
    setStatus(result.has_ground_truth ? "Read the transcripts and vote for the most accurate."
      : "No ground truth for this recording: vote by what you said.", "ok");
  } catch (err) {
    setStatus(err.message, "error");
    setInputsEnabled(!(err instanceof ApiError && err.status === 502));
  } finally {
    state.busy = false;
  }
}

function renderTranscripts(result) {
  $("transcripts").replaceChildren(...result.candidates.map((c) =>
    el("li", { class: "transcript", id: `transcript-${c.label}`, "data-label": c.label },
      el("div", { class: "head" },
        el("span", { class: "label" }, c.label.toUpperCase()),
        el("span", { class: "meta" }, `${c.word_count} words · ${fmt(c.latency_s, 2, " s")}`)),
      el("p", { class: "text" }, c.transcript || "(nothing heard)"),
      el("div", { class: "system" }))));
}

function renderVoteForm() {
  const labels = state.transcripts.candidates.map((c) => c.label);
  renderWinnerButtons(labels, (l) => `${l.toUpperCase()} is most accurate`, vote);
  $("vote-form").hidden = false;
}

async function vote(winner) {
  if (state.busy || !state.battle) return;
  state.busy = true;
  for (const b of $("winner-buttons").querySelectorAll("button")) b.disabled = true;
  try {
    await api(`/api/v1/battles/${state.battle.id}/vote`, { method: "POST", body: { winner, sub_votes: {} } });
    const metrics = await api(`/api/v1/battles/${state.battle.id}/stt-metrics`);
    reveal(metrics, winner);
    setStatus("Vote recorded. Here is who was who.", "ok");
  } catch (err) {
    setStatus(err.message, "error");
    for (const b of $("winner-buttons").querySelectorAll("button")) b.disabled = false;
  } finally {
    state.busy = false;
  }
}

function diffNodes(diff) {
  const nodes = [];
  for (const edit of diff) {
    if (nodes.length) nodes.push(" ");
    if (edit.op === "equal") nodes.push(edit.ref);
    else if (edit.op === "insert") nodes.push(el("ins", { title: "inserted" }, edit.hyp));
    else if (edit.op === "delete") nodes.push(el("del", { title: "deleted" }, edit.ref));
    else nodes.push(el("span", { class: "sub", title: `said “${edit.ref}”, heard “${edit.hyp}”` }, `${edit.ref} → ${edit.hyp}`));
  }
  return nodes;
}

function reveal(metrics, winner) {
  $("vote-form").hidden = true;
  $("truth").textContent = metrics.has_ground_truth ? `Ground truth: ${metrics.ground_truth}` : metrics.note;
  const rows = $("reveal-rows");
  rows.replaceChildren();
  for (const m of metrics.candidates) {
    const won = winner === m.label;
    rows.append(el("tr", { class: won ? "winner" : "" },
      el("td", {}, m.label.toUpperCase(), won ? " 🏆" : ""),
      el("td", {}, el("strong", {}, m.display_name)),
      el("td", {}, m.provider),
      el("td", { class: "num" }, m.wer == null ? "–" : `${(m.wer * 100).toFixed(1)}%`),
      el("td", { class: "num" }, m.cer == null ? "–" : `${(m.cer * 100).toFixed(1)}%`),
      el("td", { class: "num" }, fmt(m.latency_s, 2, " s")),
      el("td", { class: "num" }, fmt(m.rtf, 2))));
    const card = $(`transcript-${m.label}`);
    if (!card) continue;
    card.classList.toggle("winner", won);
    if (m.diff) card.querySelector(".text").replaceChildren(...diffNodes(m.diff));
    card.querySelector(".system").replaceChildren(
      el("span", { class: "reveal-name" }, m.display_name),
      m.wer == null ? "" : el("span", { class: "meta" }, ` · WER ${(m.wer * 100).toFixed(1)}% · CER ${(m.cer * 100).toFixed(1)}%`));
  }
  $("reveal").hidden = false;
}

const recorder = bindRecordingInput((result) => {
  state.recording = result;
  setInputsEnabled(!state.transcripts);
  setStatus(`Recorded ${result.seconds.toFixed(1)} s. Listen back, then transcribe it.`);
});

bindInputTabs();
$("clip-select").addEventListener("change", (e) => showClip(e.target.value));
$("clip-play").addEventListener("click", () => playClip(false));
$("clip-replay").addEventListener("click", () => playClip(true));
$("clip-speed").addEventListener("change", () => { clipAudio.playbackRate = Number($("clip-speed").value); });
$("transcribe-clip").addEventListener("click", () => transcribe({ curated_clip_id: $("clip-select").value }));
$("transcribe-recording").addEventListener("click", async () => {
  await recorder.stop();
  if (!state.recording) return;
  transcribe(recordingForm(state.recording, { intended_text: $("intended-text").value.trim() }));
});
$("new-battle").addEventListener("click", newBattle);
bindBattleKeys(newBattle, { p: () => playClip(false), r: () => playClip(true) });

newBattle();
