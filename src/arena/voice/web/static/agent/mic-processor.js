// AudioWorklet: microphone (any rate) → 16 kHz mono PCM s16le in 20 ms frames, plus a level.
// Linear-interpolation resampling keeps a fractional read position across render quanta so
// consecutive blocks join without clicks.

const TARGET_RATE = 16000;
const FRAME_SAMPLES = 320; // 20 ms at 16 kHz

class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE; // input samples per output sample
    this.position = 0; // fractional index into `this.carry` + the current block
    this.carry = new Float32Array(0); // input samples not consumed yet
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    const input = new Float32Array(this.carry.length + channel.length);
    input.set(this.carry);
    input.set(channel, this.carry.length);
    while (this.position + 1 < input.length) {
      const i = Math.floor(this.position);
      const t = this.position - i;
      const sample = input[i] * (1 - t) + input[i + 1] * t;
      const clipped = Math.max(-1, Math.min(1, sample));
      this.frame[this.filled++] = clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff;
      this.sumSquares += clipped * clipped;
      if (this.filled === FRAME_SAMPLES) this.flush();
      this.position += this.step;
    }
    const consumed = Math.floor(this.position);
    this.carry = input.slice(consumed);
    this.position -= consumed;
    return true;
  }

  flush() {
    const level = Math.sqrt(this.sumSquares / FRAME_SAMPLES);
    const pcm = this.frame.buffer.slice(0);
    this.port.postMessage({ pcm, level }, [pcm]);
    this.filled = 0;
    this.sumSquares = 0;
  }
}

registerProcessor("pcm-capture", PcmCapture);
