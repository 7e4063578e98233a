// Gapless playback of 16 kHz PCM s16le chunks: each chunk is scheduled right after the previous
// one on the AudioContext clock; `flush()` (on the server's `clear`) stops everything queued.

const RATE = 16000;
const LEAD_S = 0.04; // start slightly ahead so the first chunk is not clipped

export class PcmPlayer {
  constructor(context) {
    this.context = context;
    this.nextTime = 0;
    this.sources = new Set();
  }

  play(arrayBuffer) {
    const ints = new Int16Array(arrayBuffer);
    if (!ints.length) return;
    const floats = new Float32Array(ints.length);
    for (let i = 0; i < ints.length; i++) floats[i] = ints[i] / 0x8000;
    const buffer = this.context.createBuffer(1, floats.length, RATE);
    buffer.copyToChannel(floats, 0);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const now = this.context.currentTime;
    this.nextTime = Math.max(this.nextTime, now + LEAD_S);
    source.start(this.nextTime);
    this.nextTime += buffer.duration;
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  get playing() {
    return this.nextTime > this.context.currentTime;
  }

  flush() {
    for (const source of this.sources) {
      try { source.stop(); } catch { /* already stopped */ }
    }
    this.sources.clear();
    this.nextTime = 0;
  }
}
