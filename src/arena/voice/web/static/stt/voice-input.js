// Shared by the STT and S2S battle pages: input tabs, the recorder with its preview, posting the
// input (curated clip id or recording), the winner buttons and the battle keyboard shortcuts.
import { ApiError, el, ignoreKey } from "../api.js";
import { bindRecorder } from "./recorder.js";

export const $ = (id) => document.getElementById(id);

export function setStatus(text, kind = "") {
  $("status").textContent = text;
  $("status").className = `status ${kind}`;
}

export function bindInputTabs() {
  const select = (name) => {
    for (const tab of ["clip", "record"]) {
      $(`tab-${tab}`).setAttribute("aria-selected", String(tab === name));
      $(`pane-${tab}`).hidden = tab !== name;
    }
  };
  $("tab-clip").addEventListener("click", () => select("clip"));
  $("tab-record").addEventListener("click", () => select("record"));
}

// The microphone recorder; each finished recording is shown in the preview player first.
export function bindRecordingInput(onRecorded) {
  return bindRecorder({
    button: $("record"), bar: $("meter-bar"), meter: $("meter"), timer: $("record-timer"),
    onDone: (result) => {
      const preview = $("recording-preview");
      preview.src = URL.createObjectURL(result.blob);
      preview.hidden = false;
      onRecorded(result);
    },
    onError: (err) => setStatus(`Microphone unavailable: ${err.message}`, "error"),
  });
}

// The upload form for a recording: the audio, any extra non-empty fields, and the consent box.
export function recordingForm(recording, fields = {}) {
  const form = new FormData();
  form.append("audio", recording.blob, recording.filename);
  for (const [name, value] of Object.entries(fields)) if (value) form.append(name, value);
  form.append("consent", $("consent").checked ? "true" : "false");
  return form;
}

// POST the battle input: a FormData upload, or JSON such as { curated_clip_id }.
export async function postInput(url, payload, signal) {
  const init = payload instanceof FormData
    ? { method: "POST", body: payload }
    : { method: "POST", body: JSON.stringify(payload), headers: { "Content-Type": "application/json" } };
  const response = await fetch(url, { ...init, credentials: "same-origin", signal });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// One button per label (text from `caption`), then Tie and All bad; each calls `vote(winner)`.
export function renderWinnerButtons(labels, caption, vote) {
  const button = (winner, key, text, primary) => el("button", {
    type: "button", ...(primary ? { class: "vote-button primary" } : {}), "data-winner": winner,
    "aria-keyshortcuts": key, onclick: () => vote(winner),
  }, text);
  $("winner-buttons").replaceChildren(
    ...labels.map((l) => button(l, l.toUpperCase(), caption(l), true)),
    button("tie", "T", "Tie", false),
    button("all_bad", "X", "All bad", false));
}

// N starts a new battle, A–D / T / X click the matching winner button; `extra` maps more keys.
export function bindBattleKeys(newBattle, extra = {}) {
  document.addEventListener("keydown", (event) => {
    if (ignoreKey(event)) return;
    const key = event.key.toLowerCase();
    if (key === "n") { event.preventDefault(); newBattle(); return; }
    if (extra[key]) { event.preventDefault(); extra[key](); return; }
    const winner = key === "t" ? "tie" : key === "x" ? "all_bad" : key;
    const button = $("winner-buttons").querySelector(`button[data-winner="${winner}"]`);
    if (button && !button.disabled && !$("vote-form").hidden) { event.preventDefault(); button.click(); }
  });
}
