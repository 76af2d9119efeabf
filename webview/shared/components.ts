// A small component layer over @vscode/webview-ui-toolkit (deprecated upstream, so every use of
// its custom elements goes through here and can be swapped for plain elements later). Every
// key element carries a data-testid for the end-to-end tests.

type Attrs = Record<string, string | number | boolean | undefined>;

export function el(tag: string, attrs: Attrs = {}, ...children: (Node | string | undefined)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") e.className = String(v);
    else if (k === "testid") e.setAttribute("data-testid", String(v));
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== undefined) e.append(c);
  return e;
}

export function button(label: string, testid: string, onClick: () => void, opts: { secondary?: boolean; title?: string; icon?: boolean } = {}): HTMLElement {
  // The accessible name is the visible text (the title only adds a tooltip); an icon's name is its title.
  const b = el(
    "vscode-button",
    { testid, appearance: opts.icon ? "icon" : opts.secondary ? "secondary" : "primary", title: opts.title, "aria-label": opts.icon ? (opts.title ?? label) : label },
    label,
  );
  b.addEventListener("click", onClick);
  return b;
}

export function dropdown(options: { value: string; label: string }[], value: string, testid: string, onChange: (v: string) => void, ariaLabel?: string): HTMLElement {
  const d = el("vscode-dropdown", { testid, "aria-label": ariaLabel });
  for (const o of options) d.append(el("vscode-option", { value: o.value, selected: o.value === value, "data-value": o.value }, o.label));
  d.addEventListener("change", () => onChange((d as unknown as { value: string }).value));
  return d;
}

/**
 * A status badge: a plain span styled by webview.css per status ("inconclusive", "not-run",
 * "running"...), with colours chosen per theme for contrast. (The toolkit's vscode-badge sets a
 * style attribute from script, which the webview's CSP refuses: one console error per load.)
 */
export function badge(text: string, testid?: string): HTMLElement {
  return el("span", { class: "icl-badge", testid, "data-status": text.toLowerCase().replace(/\s+/g, "-") }, text);
}

export function divider(): HTMLElement {
  return el("vscode-divider", { role: "separator" });
}

export function progressRing(): HTMLElement {
  return el("vscode-progress-ring");
}

export interface Column<T> {
  title: string;
  value: (row: T) => string;
  className?: (row: T) => string | undefined;
}

/** A data grid built from toolkit grid rows; `onRow` fires on click, Enter or Space (the grid moves focus between cells with the arrow keys). */
export function dataGrid<T>(
  rows: T[],
  columns: Column<T>[],
  testid: string,
  opts: { rowTestId: string; key: (r: T) => string; selected?: string; onRow?: (r: T) => void; label?: string },
): HTMLElement {
  const grid = el("vscode-data-grid", { testid, "aria-label": opts.label ?? testid, "grid-template-columns": columns.map(() => "auto").join(" ") });
  const head = el("vscode-data-grid-row", { "row-type": "sticky-header" });
  columns.forEach((c, i) => head.append(el("vscode-data-grid-cell", { "cell-type": "columnheader", "grid-column": i + 1 }, c.title)));
  grid.append(head);
  for (const r of rows) {
    const key = opts.key(r);
    const row = el("vscode-data-grid-row", {
      testid: opts.rowTestId,
      "data-key": key,
      class: key === opts.selected ? "selected" : undefined,
      "aria-selected": key === opts.selected ? "true" : "false",
    });
    columns.forEach((c, i) => row.append(el("vscode-data-grid-cell", { "grid-column": i + 1, class: c.className?.(r) }, c.value(r))));
    if (opts.onRow) {
      row.addEventListener("click", () => opts.onRow!(r));
      row.addEventListener("keydown", (ev) => {
        const k = (ev as KeyboardEvent).key;
        if (k === "Enter" || k === " ") {
          ev.preventDefault();
          opts.onRow!(r);
        }
      });
    }
    grid.append(row);
  }
  return grid;
}

export function table(headers: string[], rows: (string | Node)[][], testid: string, className = "icl-table"): HTMLTableElement {
  const t = el("table", { class: className, testid }) as HTMLTableElement;
  const thead = el("thead");
  thead.append(el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h))));
  const tbody = el("tbody");
  for (const r of rows) tbody.append(el("tr", {}, ...r.map((c) => el("td", {}, c))));
  t.append(thead, tbody);
  return t;
}

/** Makes an element act as a button for the keyboard too (Enter and Space). */
export function activate(e: HTMLElement, fn: () => void): HTMLElement {
  e.addEventListener("click", fn);
  e.addEventListener("keydown", (ev) => {
    const k = (ev as KeyboardEvent).key;
    if (k === "Enter" || k === " ") {
      ev.preventDefault();
      fn();
    }
  });
  return e;
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
