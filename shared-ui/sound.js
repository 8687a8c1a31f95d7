// @ts-check
/**
 * @file Sound: a two-tone chime synthesised with WebAudio (no file to
 * download) and speech with the Web Speech API. Both degrade quietly: no
 * audio device, no voice installed, or audio blocked until a tap.
 */

/** @type {AudioContext | null} */
let ctx = null;

function audio() {
  if (!ctx) {
    const Ctor = window.AudioContext ?? /** @type {any} */ (window).webkitAudioContext;
    if (!Ctor) return null;
    ctx = new Ctor();
  }
  return ctx;
}

/** Whether the browser lets this page make sound now (else it needs a tap). */
export function audioBlocked() {
  const a = audio();
  return !a || a.state !== "running";
}

/**
 * Calls `fn` whenever the browser blocks or lets through this page's sound
 * (the audio context's state changes), e.g. to hide an "enable sound"
 * prompt once someone tapped.
 * @param {() => void} fn
 */
export function onAudioChange(fn) {
  audio()?.addEventListener("statechange", fn);
}

/** Unlocks audio; call from a tap or key press. */
export async function unlockAudio() {
  const a = audio();
  if (a && a.state !== "running") await a.resume().catch(() => {});
  // Some browsers also want one utterance started from a gesture.
  if ("speechSynthesis" in window) {
    const u = new SpeechSynthesisUtterance("");
    u.volume = 0;
    window.speechSynthesis.speak(u);
  }
}

/**
 * Plays the "ding-dong" before a call. Resolves when it has finished (or at
 * once when there is no audio).
 * @param {number} [volume] 0..1
 */
export function chime(volume = 0.6) {
  const a = audio();
  if (!a || a.state !== "running") return Promise.resolve();
  const notes = [
    [659.25, 0], // E5
    [523.25, 0.45], // C5
  ];
  const t0 = a.currentTime + 0.05;
  for (const [freq, offset] of notes) {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    const start = t0 + offset;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(volume, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 1.1);
    osc.connect(gain).connect(a.destination);
    osc.start(start);
    osc.stop(start + 1.2);
  }
  // Done when the second note has died away (under -50 dB), a little before its last sample.
  return new Promise((resolve) => setTimeout(resolve, 1300));
}

/** Whether speech synthesis exists at all in this browser. */
export function canSpeak() {
  return "speechSynthesis" in window;
}

/**
 * Speaks `text` and resolves when done (or failed, or after a generous
 * guard time, so a silent engine never blocks the queue of calls).
 * Never cancels what is being spoken.
 * @param {string} text
 * @param {string} lang BCP 47, e.g. "id-ID"
 * @param {{rate?: number, volume?: number}} [opts]
 */
export function speak(text, lang, opts = {}) {
  if (!canSpeak()) return Promise.resolve();
  return new Promise((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    // Android ignores the voice unless the language is set.
    u.lang = lang;
    u.rate = opts.rate ?? 0.9;
    u.volume = opts.volume ?? 1;
    const voice = pickVoice(lang);
    if (voice) u.voice = voice;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      resolve(undefined);
    };
    // About 1 s per 12 characters is slow speech; allow three times that.
    const guard = setTimeout(finish, 4000 + text.length * 250);
    u.onend = finish;
    u.onerror = finish;
    window.speechSynthesis.speak(u);
  });
}

/** Stops speaking (the kiosk's "stop" and idle reset; never the display). */
export function stopSpeaking() {
  if (canSpeak()) window.speechSynthesis.cancel();
}

/** @param {string} lang */
function pickVoice(lang) {
  const voices = window.speechSynthesis.getVoices?.() ?? [];
  const base = lang.slice(0, 2).toLowerCase();
  return (
    voices.find((v) => v.lang.replace("_", "-").toLowerCase() === lang.toLowerCase()) ??
    voices.find((v) => v.lang.toLowerCase().startsWith(base)) ??
    null
  );
}
