// Microphone capture for STT and S2S battles: MediaRecorder (WebM/Ogg Opus) plus a live level meter.

const MIME_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];

export function extensionFor(mimeType) {
  if (mimeType.includes("ogg")) return "ogg";
  if (mimeType.includes("mp4")) return "m4a";
  return "webm";
}

export class Recorder {
  // onLevel(0..1) is called every animation frame while recording; onTick(seconds) likewise.
  constructor({ onLevel = () => {}, onTick = () => {}, maxSeconds = 60 } = {}) {
    this.onLevel = onLevel;
    this.onTick = onTick;
    this.maxSeconds = maxSeconds;
    this.recording = false;
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      throw new Error("This browser cannot record audio: use a recent Chrome, Firefox or Safari.");
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    this.context = new AudioContext();
    const source = this.context.createMediaStreamSource(this.stream);
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    source.connect(this.analyser);
    const mimeType = MIME_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? "";
    this.mediaRecorder = new MediaRecorder(this.stream, mimeType ? { mimeType } : {});
    this.chunks = [];
    this.mediaRecorder.addEventListener("dataavailable", (e) => { if (e.data.size) this.chunks.push(e.data); });
    this.stopped = new Promise((resolve) => this.mediaRecorder.addEventListener("stop", resolve, { once: true }));
    this.mediaRecorder.start(250);
    this.started = performance.now();
    this.recording = true;
    this.#meter();
  }

  #meter() {
    if (!this.recording) return;
    const buffer = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(buffer);
    let sum = 0;
    for (const v of buffer) sum += v * v;
    const rms = Math.sqrt(sum / buffer.length);
    // -60 dBFS .. 0 dBFS mapped to 0..1, so speech fills the bar without clipping it.
    this.onLevel(Math.max(0, Math.min(1, 1 + (20 * Math.log10(rms + 1e-9)) / 60)));
    const seconds = (performance.now() - this.started) / 1000;
    this.onTick(seconds);
    if (seconds >= this.maxSeconds) { this.stop(); return; }
    requestAnimationFrame(() => this.#meter());
  }

  // Stops recording; resolves to { blob, seconds, filename }.
  async stop() {
    if (!this.recording) return this.result;
    this.recording = false;
    const seconds = (performance.now() - this.started) / 1000;
    this.mediaRecorder.stop();
    await this.stopped;
    for (const track of this.stream.getTracks()) track.stop();
    await this.context.close();
    this.onLevel(0);
    const type = this.mediaRecorder.mimeType || "audio/webm";
    const blob = new Blob(this.chunks, { type });
    this.result = { blob, seconds, filename: `recording.${extensionFor(type)}` };
    return this.result;
  }
}

// Wire a record button, meter bar and timer to a Recorder; calls onDone(result) after stopping.
export function bindRecorder({ button, bar, meter, timer, onDone, onError }) {
  let recorder = null;
  button.addEventListener("click", async () => {
    if (recorder?.recording) {
      const result = await recorder.stop();
      button.textContent = "● Record again";
      button.setAttribute("aria-pressed", "false");
      onDone(result);
      return;
    }
    recorder = new Recorder({
      onLevel: (level) => {
        bar.style.width = `${Math.round(level * 100)}%`;
        meter.setAttribute("aria-valuenow", String(Math.round(level * 100)));
      },
      onTick: (s) => { timer.textContent = `${s.toFixed(1)} s`; },
    });
    try {
      await recorder.start();
      button.textContent = "■ Stop";
      button.setAttribute("aria-pressed", "true");
    } catch (err) {
      onError(err);
    }
  });
  return { stop: async () => (recorder?.recording ? onDone(await recorder.stop()) : undefined) };
}
