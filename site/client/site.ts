// The little the pages do in the browser: the dark/light toggle (remembered; until the reader picks,
// the system setting decides) and the search box. Bundled by the builder into assets/site.js.
import { escapeHtml } from "../html.ts";
import { search, type SearchEntry } from "./search.ts";

declare global {
  interface Window {
    __SEARCH_INDEX__?: readonly SearchEntry[];
  }
}

const THEME_KEY = "jit-theme";
const root = document.body.dataset.root ?? "";

function effectiveTheme(): "dark" | "light" {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === "dark" || chosen === "light") return chosen;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function setupThemeToggle(): void {
  const button = document.getElementById("theme-toggle");
  if (!button) return;
  const show = () => button.setAttribute("aria-pressed", String(effectiveTheme() === "dark"));
  show();
  button.addEventListener("click", () => {
    const next = effectiveTheme() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // Storage can be disabled (private windows, some file:// setups): the toggle still works for this page.
    }
    show();
  });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
}

// #region solutions
const HIDE_KEY = "jit-hide-solutions";

/** Workbook readers close the book's solutions (details.solution) once, for every page. */
function setupSolutions(): void {
  const solutions = [...document.querySelectorAll<HTMLDetailsElement>("details.solution")];
  const toggles = [...document.querySelectorAll<HTMLInputElement>(".hide-solutions-toggle")];
  let hide = false;
  try {
    hide = localStorage.getItem(HIDE_KEY) === "1";
  } catch {
    // No storage: solutions stay open, as for a reader who is only reading.
  }
  const apply = () => {
    for (const d of solutions) d.open = !hide;
    for (const t of toggles) t.checked = hide;
  };
  apply();
  for (const t of toggles) {
    t.addEventListener("change", () => {
      hide = t.checked;
      try {
        localStorage.setItem(HIDE_KEY, hide ? "1" : "0");
      } catch {
        // The choice holds for this page only.
      }
      apply();
    });
  }
}
// #endregion

function setupSearch(): void {
  const input = document.getElementById("search") as HTMLInputElement | null;
  const list = document.getElementById("search-results") as HTMLOListElement | null;
  if (!input || !list) return;
  let selected = 0;

  const links = () => [...list.querySelectorAll<HTMLAnchorElement>("a")];
  const select = (i: number) => {
    const all = links();
    if (all.length === 0) return;
    selected = (i + all.length) % all.length;
    all.forEach((a, k) => a.classList.toggle("selected", k === selected));
    all[selected]!.scrollIntoView({ block: "nearest" });
  };
  const render = () => {
    const q = input.value.trim();
    if (!q) {
      list.hidden = true;
      return;
    }
    const hits = search(window.__SEARCH_INDEX__ ?? [], q);
    list.innerHTML = hits.length
      ? hits
          .map(
            (h) =>
              `<li><a href="${root}${h.entry.href}"><span class="hit-page">${escapeHtml(h.entry.page)}</span>` +
              `<span class="hit-heading">${escapeHtml(h.entry.heading)}</span><span class="hit-snippet">${h.snippet}</span></a></li>`,
          )
          .join("")
      : `<li class="no-hits">Nothing found for “${escapeHtml(q)}”.</li>`;
    list.hidden = false;
    selected = 0;
    select(0);
  };

  input.addEventListener("input", render);
  input.addEventListener("focus", render);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      select(selected + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter") {
      const a = links()[selected];
      if (a) location.href = a.href;
    } else if (e.key === "Escape") {
      input.value = "";
      list.hidden = true;
      input.blur();
    }
  });
  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
    if (e.key === "/" && !typing) {
      e.preventDefault();
      input.focus();
    }
  });
  document.addEventListener("click", (e) => {
    if (!(e.target instanceof Node) || !input.parentElement?.contains(e.target)) list.hidden = true;
  });
}

setupThemeToggle();
setupSearch();
setupSolutions();
