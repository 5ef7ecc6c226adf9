// The playground page: every edit sends the program to a worker and shows the report. The worker is
// the only place a program runs; if it has not answered within the time limit, the page terminates
// it and starts a fresh one, so no program can freeze the page.
import { highlight } from "../highlight.ts";
import { escapeHtml } from "../html.ts";
import { alignDisasm, visibleBytes } from "../listing.ts";
import { diffLines } from "./diff.ts";
import { EXAMPLES } from "./examples.ts";
import type { PipelineReport, PipelineRequest, RunReport, Stage, WorkerReply, X86Line, X86Report } from "./protocol.ts";

// The worker's bundled source, injected by the builder: a worker made from a blob URL also works
// when the page is opened from disk (file://), where `new Worker("worker.js")` is refused.
declare const __PLAYGROUND_WORKER__: string;

/** Wall-clock limit for one request, on top of the step limit (mandelbrot takes a few seconds). */
export const TIME_LIMIT_MS = 10_000;
const DEBOUNCE_MS = 150;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  source: $<HTMLTextAreaElement>("pg-source"),
  input: $<HTMLInputElement>("pg-input"),
  steps: $<HTMLInputElement>("pg-steps"),
  eof: $<HTMLSelectElement>("pg-eof"),
  example: $<HTMLSelectElement>("pg-example"),
  status: $<HTMLParagraphElement>("pg-status"),
  output: $<HTMLPreElement>("pg-output"),
  lir: $<HTMLPreElement>("pg-lir"),
  opt: $<HTMLPreElement>("pg-opt"),
  passes: $<HTMLDivElement>("pg-passes"),
  x86: $<HTMLPreElement>("pg-x86"),
  wasm: wasmPanel(),
};

/** The WebAssembly panel, the playground's own, after the x86-64 one. */
function wasmPanel(): HTMLPreElement {
  const panel = document.createElement("div");
  panel.className = "pg-panel";
  panel.innerHTML = `<h2>WebAssembly</h2><pre id="pg-wasm" class="code"></pre>`;
  $<HTMLPreElement>("pg-x86").closest(".pg-panel")!.after(panel);
  return panel.querySelector("pre")!;
}

class Runner {
  private worker: Worker | null = null;
  private url = URL.createObjectURL(new Blob([__PLAYGROUND_WORKER__], { type: "text/javascript" }));
  private nextId = 1;
  private pending: { id: number; timer: ReturnType<typeof setTimeout>; done: (r: WorkerReply | null) => void } | null = null;

  /** The report for `request`, or null when it ran out of time (the worker is then replaced). */
  run(request: PipelineRequest): Promise<WorkerReply | null> {
    this.cancel();
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve(null);
      }, TIME_LIMIT_MS);
      this.pending = { id, timer, done: resolve };
      worker.postMessage({ id, request });
    });
  }

  private spawn(): Worker {
    const w = new Worker(this.url);
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      if (!this.pending || e.data.id !== this.pending.id) return;
      clearTimeout(this.pending.timer);
      const done = this.pending.done;
      this.pending = null;
      done(e.data);
    };
    return w;
  }

  /** A newer edit supersedes a request still running: the old worker is stopped, not awaited. */
  private cancel(): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    this.kill();
  }

  private kill(): void {
    this.worker?.terminate();
    this.worker = null;
    this.pending = null;
  }
}

const runner = new Runner();
let debounce: ReturnType<typeof setTimeout> | undefined;

async function update(): Promise<void> {
  const maxSteps = Math.max(1000, Number(ui.steps.value) || 10_000_000);
  ui.status.textContent = "Running…";
  ui.status.className = "pg-status busy";
  const eof = ui.eof.value === "zero" || ui.eof.value === "max" ? ui.eof.value : "unchanged";
  const reply = await runner.run({ source: ui.source.value, input: ui.input.value, maxSteps, eof });
  if (reply === null) {
    showStatus(`Stopped: no answer after ${TIME_LIMIT_MS / 1000} s. Lower the step limit, or look for a loop that never ends.`, "error");
    return;
  }
  if ("crash" in reply) {
    showStatus(`The pipeline failed: ${reply.crash}`, "error");
    return;
  }
  show(reply.report);
}

function show(r: PipelineReport): void {
  if (r.parse.error) {
    const { line, column, message } = r.parse.error;
    showStatus(`Parse error at ${line}:${column}: ${message.replace(/^\d+:\d+: /, "")}`, "error");
  } else if (r.run.ok) {
    const run = r.run.value;
    const stats = `${r.parse.commands} commands · ${run.steps.toLocaleString("en")} ${run.unit} · ${run.ms.toFixed(1)} ms · ${run.tier}`;
    showStatus(run.error ? `${run.error}` : `Ran: ${stats}`, run.error ? "error" : "ok");
  } else {
    showStatus(r.run.reason, "error");
  }
  const output = r.run.ok ? r.run.value.output : "";
  ui.output.classList.toggle("live-empty", output === "");
  ui.output.innerHTML = output === "" ? "(no output)" : visibleBytes(output) + (r.run.ok ? cutNote(r.run.value) : "");
  showStage(ui.lir, r.lir, (v) => highlight(v.text, "lir") + cutHtml(v.cut));
  showOptimized(r);
  showStage(ui.x86, r.x86, x86Html);
  showStage(ui.wasm, r.wasm, (v) =>
    escapeHtml(v.text) + cutHtml(v.cut) + `\n\n<span class="tok-com">;; ${v.bytes.toLocaleString("en")} bytes, ${v.functions} functions, compiled in ${v.compileMs.toFixed(1)} ms</span>`,
  );
}

/** Below a stage's text that stops short of the whole: where, and why. */
function cutHtml(cut: string | null): string {
  return cut === null ? "" : `\n<span class="pg-cut">… ${escapeHtml(cut)}</span>`;
}

/** After output the worker cut: how much is shown, and how much the program wrote in all. */
function cutNote(run: RunReport): string {
  const shown = new TextEncoder().encode(run.output).length;
  if (run.outputBytes <= shown) return "";
  const n = (x: number) => x.toLocaleString("en");
  return `\n<span class="pg-cut">… output cut here: ${n(shown)} bytes shown of the ${n(run.outputBytes)} bytes the program wrote in all.</span>`;
}

type Insn = Extract<X86Line, { kind: "insn" }>;

/** The machine code: offset, bytes and instruction in columns, each LIR op above the instructions it became. */
function x86Html(v: X86Report): string {
  const insns = v.lines.filter((l): l is Insn => l.kind === "insn");
  const aligned = alignDisasm(insns.map((l) => ({ indent: "", offset: l.offset.toString(16).padStart(4, "0") + ":", bytes: l.bytes, gap: "   ", asm: l.asm })));
  let next = 0;
  const lines = v.lines.map((l) => {
    switch (l.kind) {
      case "insn":
        return aligned[next++]!;
      case "label":
        return `<span class="x86-label">${escapeHtml(l.name)}:</span>`;
      case "op":
        return `<span class="x86-op">${"  ".repeat(l.depth)}${highlight(l.text, "lir")} <span class="tok-com">@${l.pos}</span></span>`;
      case "part":
        return `<span class="x86-part">; ${escapeHtml(l.text)}</span>`;
    }
  });
  const note = `; ${v.size.toLocaleString("en")} bytes${v.cut === null ? "" : " listed"}. Calls show placeholder addresses (0x7f00000...): a browser has no libc, so this code is generated here, not run.`;
  return `${lines.join("\n")}${cutHtml(v.cut)}\n\n<span class="tok-com">${escapeHtml(note)}</span>`;
}

/** The optimized LIR, and one chip per pass: choosing a chip shows what that pass changed, as a diff. */
function showOptimized(r: PipelineReport): void {
  const opt = r.optimized;
  const optHtml = (v: { text: string; cut: string | null }) => highlight(v.text, "lir") + cutHtml(v.cut);
  showStage(ui.opt, opt, optHtml);
  ui.passes.innerHTML = "";
  if (!opt.ok || !r.lir.ok) return;
  // Each pass's text is its first lines only: a pass that changed only what follows them changed the count.
  const input = r.lir.value.text;
  const chips = opt.value.passes.map((p, i) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = p.text === (i === 0 ? input : opt.value.passes[i - 1]!.text) && p.before === p.after ? "unchanged" : "changed";
    chip.innerHTML = `<strong>${escapeHtml(p.name)}</strong> ${p.before} → ${p.after}`;
    chip.title = `What ${p.name} changed`;
    chip.addEventListener("click", () => {
      const selected = chip.getAttribute("aria-pressed") === "true";
      chips.forEach((c) => c.setAttribute("aria-pressed", "false"));
      if (selected) {
        ui.opt.innerHTML = optHtml(opt.value);
        return;
      }
      chip.setAttribute("aria-pressed", "true");
      const before = i === 0 ? input : opt.value.passes[i - 1]!.text;
      ui.opt.innerHTML = diffLines(before, p.text)
        .map((d) => `<span class="diff-${d.op}">${d.op === "added" ? "+ " : d.op === "removed" ? "- " : "  "}${highlight(d.text, "lir")}</span>`)
        .join("\n");
    });
    return chip;
  });
  const label = document.createElement("span");
  label.textContent = "Passes (ops before → after); choose one to see what it changed:";
  ui.passes.append(label, ...chips);
}

function showStage<T>(el: HTMLElement, stage: Stage<T>, html: (value: T) => string): void {
  el.classList.toggle("pg-missing", !stage.ok);
  if (stage.ok) el.innerHTML = html(stage.value);
  else el.textContent = stage.reason;
}

function showStatus(text: string, kind: "ok" | "error"): void {
  ui.status.textContent = text;
  ui.status.className = `pg-status ${kind}`;
}

function schedule(): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => void update(), DEBOUNCE_MS);
}

function load(i: number): void {
  const ex = EXAMPLES[i]!;
  ui.source.value = ex.source;
  ui.input.value = ex.input ?? "";
  ui.eof.value = ex.eof ?? "unchanged";
  void update();
}

/** The menu names the example the editor holds, or "(your program)" once the reader has changed it. */
function nameProgram(): void {
  const i = EXAMPLES.findIndex((e) => e.source === ui.source.value);
  ui.example.value = i < 0 ? CUSTOM : String(i);
}

// Not an example to choose, only a name for what the editor holds: disabled, so the menu cannot load it.
const CUSTOM = "custom";
ui.example.innerHTML =
  EXAMPLES.map((e, i) => `<option value="${i}">${escapeHtml(e.name)}</option>`).join("") + `<option value="${CUSTOM}" disabled>(your program)</option>`;
ui.example.addEventListener("change", () => load(Number(ui.example.value)));
ui.source.addEventListener("input", nameProgram);
for (const el of [ui.source, ui.input, ui.steps, ui.eof]) el.addEventListener("input", schedule);
load(0);
