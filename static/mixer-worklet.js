// conflab's mixer in the browser: the AudioWorkletProcessor "conflab-mixer", running the raw conflab-worklet wasm
// module (src/worklet: no wasm-bindgen, no imports). The main-thread glue (src/web_audio) posts it the compiled
// module and the command streams; it posts back meters and recordings. Protocol: src/web_audio/mod.rs.
//
// Each quantum: the microphone's frames go into the mic leg's staging block, the module renders one block (the
// same Player::render_block loop as the native renderer), and each output channel gets the output of the leg it
// hears (silence if none). Typed-array views over the module's memory are made anew every time they are used:
// the buffer is detached whenever the wasm memory grows.

/** Quanta between two reports (meters, recordings): about 50 ms. */
const REPORT_SECONDS = 0.05;

class ConflabMixer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const settings = (options && options.processorOptions) || {};
    /** Output channel i plays what leg hear[i] hears; -1 or missing: silence. */
    this.hear = Array.isArray(settings.hear) ? settings.hear.slice() : [];
    this.wasm = null;
    this.block = 128;
    this.micLeg = -1;
    this.quanta = 0;
    this.reportEvery = 1;
    this.failed = false;
    this.port.onmessage = (event) => this.receive(event.data);
  }

  receive(message) {
    switch (message && message.type) {
      case "init":
        this.start(message);
        break;
      case "commands":
        this.apply(message.words);
        break;
      case "mic":
        this.micLeg = message.leg;
        if (this.wasm) this.wasm.set_mic(message.leg);
        break;
      case "hear":
        this.hear = Array.isArray(message.legs) ? message.legs.slice() : [];
        break;
      case "ping":
        // Everything before the ping is handled; send what the recordings hold so the pong comes after it.
        if (this.wasm) this.flushRecordings();
        this.port.postMessage({ type: "pong", frame: this.wasm ? this.wasm.frame() : 0 });
        break;
      default:
        break;
    }
  }

  start(message) {
    try {
      // The scope has no fetch: the main thread compiled the module (or sent its bytes, compiled here).
      const module =
        message.module instanceof WebAssembly.Module ? message.module : new WebAssembly.Module(message.bytes);
      const instance = new WebAssembly.Instance(module, {});
      const wasm = instance.exports;
      this.block = message.block || 128;
      if (!wasm.init(sampleRate, this.block)) {
        throw new Error(`the mixer refused sample rate ${sampleRate} with blocks of ${this.block} frames`);
      }
      wasm.set_mic(this.micLeg);
      this.wasm = wasm;
      this.reportEvery = Math.max(1, Math.round((REPORT_SECONDS * sampleRate) / this.block));
      this.port.postMessage({ type: "ready", sampleRate, block: this.block });
    } catch (error) {
      this.port.postMessage({ type: "error", message: `the mixer module did not start: ${error}` });
    }
  }

  apply(words) {
    const wasm = this.wasm;
    if (!wasm) {
      this.port.postMessage({ type: "error", message: "commands arrived before the mixer module started" });
      return;
    }
    const length = words.length;
    const at = wasm.words_ptr(length);
    new Uint32Array(wasm.memory.buffer, at, length).set(words);
    if (wasm.apply(length) < 0) {
      this.port.postMessage({ type: "error", message: this.errorMessage() });
    }
  }

  /** The module's last error, decoded by hand: the scope has no TextDecoder (the messages are ASCII). */
  errorMessage() {
    const wasm = this.wasm;
    const bytes = new Uint8Array(wasm.memory.buffer, wasm.error_ptr(), wasm.error_len());
    let text = "";
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }

  process(inputs, outputs) {
    const output = outputs[0];
    const wasm = this.wasm;
    if (!wasm || this.failed) {
      for (const channel of output) channel.fill(0);
      return true;
    }
    const frames = output[0].length;
    if (frames !== this.block) {
      // A render quantum other than the mixer's block would break the frame clock: stop rather than drift.
      this.failed = true;
      this.port.postMessage({
        type: "error",
        message: `the render quantum is ${frames} frames but the mixer was started with ${this.block}`,
      });
      return true;
    }
    if (this.micLeg >= 0) {
      const mic = new Float32Array(wasm.memory.buffer, wasm.mic_ptr(), frames);
      const input = inputs[0] && inputs[0][0];
      if (input && input.length === frames) mic.set(input);
      else mic.fill(0);
    }
    try {
      wasm.render();
    } catch (error) {
      // A trap (a bug in the mixer: the module aborts on panic) leaves its state unknown: stay silent and say so
      // once, instead of throwing from every quantum.
      this.failed = true;
      this.port.postMessage({ type: "error", message: `the mixer stopped: ${error}` });
      for (const channel of output) channel.fill(0);
      return true;
    }
    for (let c = 0; c < output.length; c++) {
      const leg = this.hear[c];
      const at = leg === undefined || leg < 0 ? 0 : wasm.out_ptr(leg);
      if (at) output[c].set(new Float32Array(wasm.memory.buffer, at, frames));
      else output[c].fill(0);
    }
    this.quanta += 1;
    if (this.quanta % this.reportEvery === 0) this.report();
    return true;
  }

  /** Posts the meters and whatever the recording rooms captured since the last report. */
  report() {
    const wasm = this.wasm;
    const n = wasm.meters();
    if (n > 0) {
      const table = new Uint32Array(wasm.memory.buffer, wasm.meters_ptr(), n * 4);
      const bits = new Float32Array(wasm.memory.buffer, wasm.meters_ptr(), n * 4);
      const legs = new Uint32Array(n);
      const rms = new Float32Array(n);
      const peak = new Float32Array(n);
      const talking = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        legs[i] = table[i * 4];
        rms[i] = bits[i * 4 + 1];
        peak[i] = bits[i * 4 + 2];
        talking[i] = table[i * 4 + 3];
      }
      this.port.postMessage({ type: "meters", legs, rms, peak, talking }, [
        legs.buffer,
        rms.buffer,
        peak.buffer,
        talking.buffer,
      ]);
    }
    this.flushRecordings();
  }

  flushRecordings() {
    const wasm = this.wasm;
    const count = wasm.rec_count();
    if (count === 0) return;
    for (let i = 0; i < count; i++) {
      const room = wasm.rec_room(i);
      const length = wasm.rec_len(i);
      if (length > 0) {
        const frames = new Float32Array(wasm.memory.buffer, wasm.rec_ptr(i), length).slice();
        this.port.postMessage({ type: "rec", room, frames }, [frames.buffer]);
      }
      if (wasm.rec_ended(i)) this.port.postMessage({ type: "recEnd", room });
    }
    wasm.rec_clear();
  }
}

registerProcessor("conflab-mixer", ConflabMixer);
