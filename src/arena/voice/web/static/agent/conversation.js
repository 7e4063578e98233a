// One live call: microphone → AudioWorklet (16 kHz PCM s16le, 20 ms frames) → WebSocket, and
// the agent's PCM back through a gapless player; JSON frames drive the transcript and the end.

import { PcmPlayer } from "./player.js";

export class LiveCall extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.muted = false;
    this.ended = false;
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule(new URL("./mic-processor.js", import.meta.url));
    this.player = new PcmPlayer(this.context);
    this.source = this.context.createMediaStreamSource(this.stream);
    this.capture = new AudioWorkletNode(this.context, "pcm-capture");
    this.source.connect(this.capture);
    this.socket = new WebSocket(this.url);
    this.socket.binaryType = "arraybuffer";
    this.capture.port.onmessage = ({ data }) => this.sendFrame(data);
    this.socket.onmessage = (event) => this.receive(event.data);
    this.socket.onclose = (event) => this.closed(event);
    await new Promise((resolve, reject) => {
      this.socket.onopen = resolve;
      this.socket.onerror = () => reject(new Error("Could not open the call's connection."));
    });
  }

  sendFrame({ pcm, level }) {
    this.emit("level", { level: this.muted ? 0 : level });
    if (this.socket.readyState !== WebSocket.OPEN) return;
    // While muted keep the stream going with silence, so the agent hears the pause.
    this.socket.send(this.muted ? new ArrayBuffer(pcm.byteLength) : pcm);
  }

  receive(data) {
    if (data instanceof ArrayBuffer) {
      this.player.play(data);
      return;
    }
    const message = JSON.parse(data);
    if (message.type === "clear") this.player.flush();
    if (message.type === "conversation_ended") this.ended = true;
    this.emit(message.type, message);
  }

  setMuted(muted) {
    this.muted = muted;
  }

  end() {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "end_conversation" }));
    }
  }

  // Leave the call for good (e.g. a new battle): hang up politely, then drop the socket.
  hangUp() {
    this.end();
    this.socket?.close();
    this.stopAudio();
  }

  closed(event) {
    this.stopAudio();
    this.emit("closed", { code: event.code, ended: this.ended });
  }

  stopAudio() {
    this.stream?.getTracks().forEach((track) => track.stop());
    this.source?.disconnect();
    this.capture?.disconnect();
    this.player?.flush();
    if (this.context && this.context.state !== "closed") this.context.close();
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
