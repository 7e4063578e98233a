// The agent battle page: idle → briefing → conversing_a → transition → conversing_b → voting →
// revealed. Nothing shown before the vote names an agent; the reveal fills in progressively.

import { api, el, fmt } from "../api.js";
import { LiveCall } from "./conversation.js";

const root = document.getElementById("agent-battle");
const $ = (id) => document.getElementById(id);
const NAMES = { a: "Agent A", b: "Agent B" };
const ENDINGS = {
  user: "you ended the call",
  client_disconnect: "the connection dropped",
  agent: "the agent hung up",
  provider_error: "the agent failed",
  timeout: "the time limit was reached",
  max_turns: "the turn limit was reached",
  server_shutdown: "the server restarted",
  connect_failed: "the agent could not be reached",
};
const POLL_MS = 1000;

let battle = null;
let call = null;
let clock = null;
let poll = null;
const held = {};

function setState(state) {
  root.dataset.state = state;
  $("live").hidden = !state.startsWith("conversing");
}

function status(text = "") {
  $("agent-status").textContent = text;
}

async function newBattle() {
  call?.hangUp();
  call = null;
  clearInterval(clock);
  clearTimeout(poll);
  for (const key of Object.keys(held)) delete held[key];
  for (const id of ["summaries", "replay-grid", "reveal-grid", "sub-vote-rows", "eval-status"]) {
    $(id).replaceChildren();
  }
  $("scenario").hidden = true;
  setState("idle");
  status("Preparing a battle…");
  try {
    battle = await api("/api/v1/battles/generate", { method: "POST", body: { battle_type: "agent" } });
  } catch (error) {
    status(error.message);
    return;
  }
  showScenario(battle.details.scenario);
  buildSubVotes(battle.sub_votes);
  setState("briefing");
  status("");
  $("start-a").focus();
}

function showScenario(scenario) {
  $("scenario-name").textContent = scenario.name;
  $("scenario-category").textContent = scenario.category.replace("_", " ");
  $("scenario-difficulty").textContent = scenario.difficulty;
  $("scenario-description").textContent = scenario.description;
  $("scenario-limits").textContent =
    `Up to ${scenario.max_turns} turns and ${scenario.max_duration_seconds} seconds per call.`;
  $("scenario").hidden = false;
}

function buildSubVotes(questions) {
  const rows = Object.entries(questions).map(([key, question]) =>
    el("div", { class: "sub-vote-row", role: "radiogroup", "aria-label": question },
      el("span", {}, question),
      ...["a", "b", "tie"].map((choice) =>
        el("label", {},
          el("input", { type: "radio", name: `sub-${key}`, value: choice, "data-key": key }),
          ` ${choice === "tie" ? "Tie" : NAMES[choice]}`))));
  $("sub-vote-rows").replaceChildren(...rows);
}

function streamUrl(label) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/v1/battles/${battle.id}/agent-stream?agent=${label}`;
}

async function startCall(label) {
  setState(label === "a" ? "conversing_a" : "conversing_b");
  $("live-title").textContent = NAMES[label];
  $("live-transcript").replaceChildren();
  $("live").classList.remove("connected");
  $("timer").textContent = "0:00";
  setMuted(false);
  status("Connecting…");
  const current = new LiveCall(streamUrl(label));
  call = current;
  // Events of a call the page has moved on from (a new battle) are ignored.
  const on = (type, handler) =>
    current.addEventListener(type, (event) => { if (call === current) handler(event); });
  on("session_started", () => {
    $("live").classList.add("connected");
    startClock(battle.details.scenario.max_duration_seconds);
    status("Connected: speak when you're ready.");
  });
  on("transcript", (event) => showTranscript(event.detail));
  on("level", (event) => {
    $("meter").style.width = `${Math.min(100, Math.round(event.detail.level * 400))}%`;
  });
  on("timeout", (event) => status(event.detail.message));
  on("error", (event) => status(event.detail.message));
  on("conversation_ended", (event) => finished(label, event.detail));
  on("closed", (event) => {
    clearInterval(clock);
    if (!event.detail.ended) {
      status(`${$("agent-status").textContent} The call could not be completed: start a new battle.`.trim());
    }
  });
  try {
    await current.start();
  } catch (error) {
    current.stopAudio();
    setState(label === "a" ? "briefing" : "transition");
    status(`${error.message} Allow microphone access and try again.`);
  }
}

function startClock(limit) {
  const started = performance.now();
  clearInterval(clock);
  clock = setInterval(() => {
    const seconds = Math.floor((performance.now() - started) / 1000);
    const mmss = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    $("timer").textContent = `${mmss(seconds)} / ${mmss(limit)}`;
  }, 250);
}

function showTranscript({ role, text, final }) {
  const list = $("live-transcript");
  let line = list.lastElementChild;
  if (!line || line.dataset.role !== role || line.dataset.final === "true") {
    line = el("li", { class: role, "data-role": role });
    list.append(line);
  }
  line.dataset.final = String(final);
  line.classList.toggle("partial", !final);
  line.replaceChildren(el("span", { class: "who" }, role === "user" ? "You" : "Agent"), text);
  list.scrollTop = list.scrollHeight;
}

function setMuted(muted) {
  call?.setMuted(muted);
  $("mute").setAttribute("aria-pressed", String(muted));
  $("mute").textContent = muted ? "Unmute" : "Mute";
}

function finished(label, frame) {
  clearInterval(clock);
  const ending = ENDINGS[frame.ended_by] ?? "the call ended";
  if (frame.judgeable === false) {
    // The server voided the battle: a call without a word from the caller cannot be judged.
    setState("idle");
    status(`The call with ${NAMES[label]} ended (${ending}) before you said anything, so this battle can't be judged: start a new battle.`);
    $("agent-new").focus();
    return;
  }
  held[label] = frame;
  $("summaries").append(
    el("div", { class: "summary" },
      el("h3", {}, NAMES[label]),
      el("p", { class: "muted small" },
        `${frame.total_turns} turns · ${fmt(frame.duration_seconds, 1, " s")}`)));
  status(`Call with ${NAMES[label]} finished (${ending}).`);
  if (label === "a") {
    setState("transition");
    $("start-b").focus();
  } else {
    showReplay();
  }
}

async function showReplay() {
  const current = await api(`/api/v1/battles/${battle.id}`);
  const cards = ["a", "b"].map((label) => {
    const conversation = current.details.conversations[label];
    return el("div", { class: "replay-card" },
      el("h3", {}, NAMES[label]),
      conversation?.audio.mix ? el("audio", { controls: true, preload: "metadata", src: conversation.audio.mix }) : null,
      el("ol", { class: "transcript" },
        ...(conversation?.transcript ?? []).filter((turn) => turn.text).map((turn) =>
          el("li", { class: turn.role }, el("span", { class: "who" }, turn.role === "user" ? "You" : "Agent"), turn.text))));
  });
  $("replay-grid").replaceChildren(...cards);
  setState("voting");
  status("Replay the calls if you like, then vote.");
}

async function vote(event) {
  event.preventDefault();
  const winner = event.submitter?.value;
  if (!winner) return;
  const subVotes = {};
  for (const input of $("sub-vote-rows").querySelectorAll("input:checked")) {
    subVotes[input.dataset.key] = input.value;
  }
  for (const button of $("agent-vote").querySelectorAll("button")) button.disabled = true;
  try {
    const result = await api(`/api/v1/battles/${battle.id}/vote`, {
      method: "POST",
      body: { winner, sub_votes: subVotes },
    });
    reveal(result, winner);
  } catch (error) {
    status(error.message);
  } finally {
    for (const button of $("agent-vote").querySelectorAll("button")) button.disabled = false;
  }
}

function reveal(result, winner) {
  setState("revealed");
  status("Thanks for voting!");
  const cards = result.candidates.map((candidate) =>
    el("div", { class: `reveal-card${candidate.label === winner ? " winner" : ""}`, id: `reveal-${candidate.label}` },
      el("h3", {}, `${NAMES[candidate.label]}: `, el("span", { class: "reveal-name" }, candidate.reveal.display_name)),
      el("p", { class: "muted small" }, candidate.reveal.provider),
      el("dl", { class: "metrics" })));
  $("reveal-grid").replaceChildren(...cards);
  pollMetrics();
}

async function pollMetrics() {
  let metrics;
  try {
    metrics = await api(`/api/v1/battles/${battle.id}/agent-metrics`);
  } catch (error) {
    status(error.message);
    return;
  }
  const method = metrics.automated_eval?.method === "llm_judge" ? "LLM judge" : "deterministic rubric";
  $("eval-status").textContent = {
    computing: "Automated evaluation: computing…",
    partial: "Automated evaluation: first results in; the judge is still working…",
    complete: `Automated evaluation complete (${method}).`,
  }[metrics.status];
  for (const label of ["a", "b"]) {
    const m = metrics[`metrics_${label}`];
    if (m) fillMetrics(label, m, metrics.automated_eval?.agents?.[label], metrics.status);
  }
  if (metrics.status !== "complete") poll = setTimeout(pollMetrics, POLL_MS);
}

function fillMetrics(label, m, evaluation, state) {
  const pending = (value, show) =>
    value === null || value === undefined
      ? el("span", { class: "pending" }, state === "complete" ? "n/a" : "computing…")
      : show(value);
  const yesNo = (v) => (v ? "yes" : "no");
  const rows = [
    ["Components", Object.entries(m.components).map(([k, v]) => `${k}: ${v}`).join(", ") || "–"],
    ["Turns", m.total_turns ?? "–"],
    ["Duration", fmt(m.duration_seconds, 1, " s")],
    ["Latency avg / p50 / p95", `${fmt(m.avg_latency_ms, 0)} / ${fmt(m.p50_latency_ms, 0)} / ${fmt(m.p95_latency_ms, 0, " ms")}`],
    ["Task success", pending(m.task_success, yesNo)],
    ["Joint goal accuracy", pending(m.joint_goal_accuracy, (v) => `${Math.round(v * 100)}%`)],
    ["Contained", pending(m.containment, yesNo)],
    ["Call ended", ENDINGS[m.ended_by] ?? m.ended_by ?? "–"],
  ];
  if (evaluation) {
    rows.push(["Coherence", fmt(evaluation.coherence, 2)]);
    rows.push(["Instruction following", fmt(evaluation.instruction_following, 2)]);
    rows.push(["Hallucinations", String(evaluation.hallucination_count)]);
  }
  const list = document.querySelector(`#reveal-${label} .metrics`);
  list.replaceChildren(...rows.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
}

$("agent-new").addEventListener("click", newBattle);
$("start-a").addEventListener("click", () => startCall("a"));
$("start-b").addEventListener("click", () => startCall("b"));
$("end-call").addEventListener("click", () => call?.end());
$("mute").addEventListener("click", () => setMuted(!call?.muted));
$("agent-vote").addEventListener("submit", vote);
newBattle();
