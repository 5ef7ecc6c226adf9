// The site in a real browser (Debian's headless Chromium, driven by playwright-core), used the way a
// reader uses it: open the index, follow a chapter, read a live result, search, switch to dark mode,
// run a program in the playground. Screenshots go to dist/screenshots/.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHAPTERS } from "../shared/chapters.ts";
import { emptyClassicDir, findProgram } from "../shared/programs.ts";
import { withClassicDir } from "./support/bf-programs.ts";
import { CHROMIUM } from "../shared/workbook/doctor.ts";
import { ROOT } from "../shared/child.ts";
import { buildSite, DEFAULT_OUT } from "../site/builder.ts";
import { serveSite, type SiteServer } from "../site/serve.ts";

// The flags this machine needs: no sandbox as root, and no background requests to a network that is not there.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = resolve(ROOT, "dist/screenshots");
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`site-browser: skipped, ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);

const firstChapter = CHAPTERS.find((c) => existsSync(resolve(ROOT, "chapters", c.slug, "README.md")));

describe.skipIf(!hasChromium || !firstChapter)("the site in Chromium", () => {
  let server: SiteServer;
  let browser: Browser;
  let page: Page;
  const remoteRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await withClassicDir(emptyClassicDir(), () => buildSite({ outDir: DEFAULT_OUT })); // the reader's clone, as in site-build
    server = serveSite(DEFAULT_OUT, 0);
    mkdirSync(SHOTS, { recursive: true });
    // playwright gives each launch a new, empty profile (--user-data-dir) of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    page = await context.newPage();
    page.on("request", (r) => {
      if (!/^(?:blob:|data:|file:)/.test(r.url()) && !r.url().startsWith(server.url)) remoteRequests.push(r.url());
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.stop();
  });

  test("the index lists the chapters; a link leads to a chapter with a live result and its provenance", async () => {
    await page.goto(server.url + "index.html");
    expect(await page.locator("h1").first().textContent()).toBe("Just in Time");
    expect(await page.locator(".toc li").count()).toBe(CHAPTERS.length);
    await page.screenshot({ path: join(SHOTS, "index.png") });

    await page.locator(`.toc a[href="${firstChapter!.slug}.html"]`).click();
    await page.waitForURL(`**/${firstChapter!.slug}.html`);
    const live = page.locator("figure.live").first();
    await live.scrollIntoViewIfNeeded();
    expect(await live.locator(".live-cmd").textContent()).toContain("$ bun chapters/");
    expect(await live.locator(".provenance").textContent()).toMatch(/Bun \d+\.\d+\.\d+ .* · commit \S+ · \d{4}-\d\d-\d\d/);
    expect((await live.locator("pre").first().textContent())!.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "chapter.png") });
  }, 30_000);

  test("search finds a chapter by its words and goes there", async () => {
    await page.goto(server.url + "index.html");
    await page.keyboard.press("/");
    await page.keyboard.type(firstChapter!.title);
    const hits = page.locator("#search-results a");
    await hits.first().waitFor();
    expect(await hits.first().getAttribute("href")).toContain(`${firstChapter!.slug}.html`);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/${firstChapter!.slug}.html*`);
  }, 30_000);

  test("dark mode: the toggle switches it, and the choice is remembered", async () => {
    await page.goto(server.url + "index.html");
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.locator("#theme-toggle").click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    const dark = await background();
    expect(dark).not.toBe(light);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await background()).toBe(dark);
    await page.locator("#theme-toggle").click();
    expect(await background()).toBe(light);
  }, 30_000);

  test("with no choice made, the page follows the system's dark mode", async () => {
    const dark = await browser.newContext({ colorScheme: "dark" });
    try {
      const p = await dark.newPage();
      await p.goto(server.url + "index.html");
      expect(await p.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
      expect(await p.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(21, 23, 27)"); // --bg's dark value
    } finally {
      await dark.close();
    }
  }, 30_000);

  test("the playground runs hello world, and shows where `[[` fails to parse", async () => {
    await page.goto(server.url + "playground.html");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Hello World!\n");
    expect(await page.locator("#pg-status").textContent()).toContain("Ran:");
    // The x86-64 panel: chapter 9's code, each instruction's bytes beside it, each op above its code.
    const x86 = (await page.locator("#pg-x86").textContent())!;
    expect(x86).toMatch(/^ *[0-9a-f]{4}: +c3 +ret$/m);
    expect(x86).toMatch(/^set \[0\] 8 @2:1\n *0021: +c6 03 08 +mov byte ptr \[rbx\], 8$/m);
    expect(x86).toContain("Calls show placeholder addresses");
    await page.screenshot({ path: join(SHOTS, "playground.png"), fullPage: true });
    await page.locator("#pg-x86").screenshot({ path: join(SHOTS, "playground-x86.png") });

    await page.locator("#pg-source").fill("[[");
    await page.waitForFunction(() => document.getElementById("pg-status")?.textContent?.startsWith("Parse error"));
    expect(await page.locator("#pg-status").textContent()).toContain("Parse error at 1:1: unmatched '['");
  }, 30_000);

  test("a program that never stops is stopped, and the page stays responsive", async () => {
    await page.goto(server.url + "playground.html");
    await page.locator("#pg-steps").fill("1000000000000000"); // fuel that lasts for days: the time limit must act
    await page.locator("#pg-source").fill("+[]");
    // The page's time limit is 10 s (site/playground/main.ts), room for mandelbrot on a busy machine.
    await page.waitForFunction(() => document.getElementById("pg-status")?.textContent?.startsWith("Stopped: no answer after"), undefined, { timeout: 20_000 });
    await page.locator("#pg-source").fill("++++++++[>++++++++<-]>+.");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "A");
  }, 40_000);

  test("the echo example with \"leave the cell\": the step limit stops it, the output pane is cut, and the hint names the Step limit field", async () => {
    await page.goto(server.url + "playground.html");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Hello World!\n");
    await page.locator("#pg-example").selectOption({ label: "Echo the input" });
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Just in Time");
    await page.locator("#pg-eof").selectOption("unchanged"); // `,` leaves the last byte: the loop never ends
    await page.waitForFunction(() => document.getElementById("pg-status")?.textContent?.startsWith("StepLimitError"));
    const status = (await page.locator("#pg-status").textContent())!;
    expect(status).toMatch(/^StepLimitError: 2:5: stopped here after 10,000,000 loop tests, the step limit: .* raise the Step limit/);
    expect(status).not.toContain("--max-steps");
    const output = (await page.locator("#pg-output").textContent())!;
    expect(output.length).toBeLessThan(200_000);
    expect(output).toStartWith("Just in Time");
    expect(await page.locator("#pg-output .pg-cut").textContent()).toBe("… output cut here: 100,000 bytes shown of the 10,000,000 bytes the program wrote in all.");
    await page.screenshot({ path: join(SHOTS, "playground-cut.png"), fullPage: false });
  }, 30_000);

  test("the example menu names an edited program \"(your program)\", and an example again when it is one", async () => {
    await page.goto(server.url + "playground.html");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Hello World!\n");
    const chosen = () => page.evaluate(() => { const s = document.getElementById("pg-example") as HTMLSelectElement; return s.selectedOptions[0]?.textContent; });
    expect(await chosen()).toBe("Hello World");
    await page.locator("#pg-source").fill("++++++++[>++++++++<-]>+.");
    expect(await chosen()).toBe("(your program)");
    await page.locator(".pg-toolbar").screenshot({ path: join(SHOTS, "playground-your-program.png") });
    await page.locator("#pg-example").selectOption({ label: "Alphabet" });
    expect(await chosen()).toBe("Alphabet");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  }, 30_000);

  test("at 390 px wide, the header still offers Contents and Playground, and the search", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "light" });
    try {
      const p = await phone.newPage();
      for (const [file, shot] of [["index.html", "index-390.png"], [`${firstChapter!.slug}.html`, "chapter-390.png"], ["playground.html", "playground-390.png"]] as const) {
        await p.goto(server.url + file);
        // Each box, or an empty one for an element missing or hidden.
        const boxes = await p.evaluate(() =>
          [".brand", '.topnav a[href$="index.html#contents"]', '.topnav a[href$="playground.html"]', "#search", "#theme-toggle"].map((sel) => {
            const el = document.querySelector(sel);
            const r = el && getComputedStyle(el).visibility !== "hidden" ? el.getBoundingClientRect() : null;
            return { sel, left: r?.left ?? 0, right: r?.right ?? 0, top: r?.top ?? 0, bottom: r?.bottom ?? 0 };
          }),
        );
        for (const b of boxes) expect({ sel: b.sel, shown: b.right > b.left && b.left >= 0 && b.right <= 390 }).toEqual({ sel: b.sel, shown: true });
        // Nothing overlaps.
        for (const [i, c] of boxes.entries()) {
          for (const a of boxes.slice(0, i)) {
            const overlap = a.left < c.right && c.left < a.right && a.top < c.bottom && c.top < a.bottom;
            expect({ a: a.sel, c: c.sel, overlap }).toEqual({ a: a.sel, c: c.sel, overlap: false });
          }
        }
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390); // no sideways scrolling
        await p.screenshot({ path: join(SHOTS, shot) });
      }
      await p.goto(server.url + "index.html");
      await p.locator(".topnav a", { hasText: "Playground" }).click();
      await p.waitForURL("**/playground.html");
    } finally {
      await phone.close();
    }
  }, 40_000);

  // mandelbrot when the classic programs are installed; otherwise the book's own collatz, which also
  // runs for a while (billions of interpreter steps).
  const found = findProgram("mandelbrot") ?? findProgram("collatz")!;
  const long = { name: found.name, source: readFileSync(found.file, "utf8"), output: readFileSync(found.outputFile, "utf8") };

  test(`the playground runs ${long.name} through the WebAssembly backend, in its worker`, async () => {
    await page.goto(server.url + "playground.html");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Hello World!\n");
    await page.locator("#pg-steps").fill("100000000000");
    await page.locator("#pg-source").fill(long.source);
    await page.waitForFunction(() => document.getElementById("pg-status")?.textContent?.startsWith("Ran:") && document.getElementById("pg-output")!.textContent!.length > 100, undefined, { timeout: 50_000 });
    expect(await page.locator("#pg-output").textContent()).toBe(long.output);
    expect(await page.locator("#pg-status").textContent()).toMatch(/^Ran: \d+ commands · [\d,]+ loop tests · [\d.]+ ms · the WebAssembly backend \(chapter 13\)$/);
    expect(await page.locator("#pg-wasm").textContent()).toStartWith("(module\n");
    console.log(`site-browser: ${await page.locator("#pg-status").textContent()}`);
    await page.screenshot({ path: join(SHOTS, "playground-wasm.png"), fullPage: true });
  }, 60_000);

  test("pasted programs of 900 KB and 1.5 MB: the panels are cut or skipped with a note, and the run ends with the book's error at line:column", async () => {
    await page.goto(server.url + "playground.html");
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Hello World!\n");
    // The tape grows to the right, so the program walks 300,000 cells out, back, and one past the left end.
    await page.locator("#pg-source").fill("+>".repeat(300_000) + "<".repeat(300_001) + "[-]");
    await page.waitForFunction(() => document.getElementById("pg-status")?.textContent?.startsWith("TapeBoundsError"), undefined, { timeout: 60_000 });
    expect(await page.locator("#pg-status").textContent()).toStartWith("TapeBoundsError: 1:900001: '<' moved the pointer off the left end of the tape");
    expect(await page.locator("#pg-lir").textContent()).toContain("… The text is cut after 3,000 lines of ");
    expect(await page.locator("#pg-x86").textContent()).toContain("this is the code for its first");
    expect(await page.locator("#pg-wasm").textContent()).toContain(";; ... cut here, after 3000 lines");
    // 1.5 MB: past what the page compiles, the interpreter runs it.
    await page.locator("#pg-source").fill("+".repeat(1_500_000) + "<");
    await page.waitForFunction(() => document.getElementById("pg-status")?.textContent?.startsWith("TapeBoundsError: 1:1500001:"), undefined, { timeout: 45_000 });
    expect(await page.locator("#pg-lir").textContent()).toStartWith("Lowering is skipped: the program has 1,500,001 commands");
  }, 120_000); // a machine busy with other work takes several times as long as an idle one

  test("opened from disk (file://), the pages, the search and the playground still work", async () => {
    await page.goto(pathToFileURL(join(DEFAULT_OUT, "index.html")).href);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector(".topbar")!).position)).toBe("sticky"); // the CSS loaded
    await page.locator("#search").fill(firstChapter!.title);
    await page.locator("#search-results a").first().waitFor();
    await page.goto(pathToFileURL(join(DEFAULT_OUT, "playground.html")).href);
    await page.waitForFunction(() => document.getElementById("pg-output")?.textContent === "Hello World!\n");
  }, 30_000);

  test("nothing was requested from another host, and no page threw", () => {
    expect(remoteRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
