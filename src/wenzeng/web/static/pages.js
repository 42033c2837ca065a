// What the pages do in the browser, for every page (no script is written into a page):
// - <form data-confirm="…"> asks before it is sent (deleting a report);
// - <form class="generate"> disables its button and shows its .busy note while a report is made;
// - <select data-navigate="plan"> opens ?plan=<choice> when the choice changes;
// - <form data-autosubmit> is sent as soon as one of its choices changes (its button stays
//   for a browser without scripts);
// - <a class="back"> goes back in the browser's history;
// - a table wider than the screen scrolls sideways and can be reached with the keyboard;
// - <table class="sortable">: a click on a column's header sorts the rows by it.
document.addEventListener("DOMContentLoaded", () => {
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (e) => { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  }
  for (const f of document.querySelectorAll("form.generate")) {
    f.addEventListener("submit", () => {
      f.querySelector("button").disabled = true;
      const busy = f.querySelector(".busy");
      if (busy) busy.hidden = false;
    });
  }
  for (const s of document.querySelectorAll("select[data-navigate]")) {
    s.addEventListener("change", () => {
      const query = new URLSearchParams({ [s.dataset.navigate]: s.value });
      window.location.search = query.toString();
    });
  }
  for (const f of document.querySelectorAll("form[data-autosubmit]")) {
    for (const s of f.querySelectorAll("select")) {
      s.addEventListener("change", () => { f.requestSubmit ? f.requestSubmit() : f.submit(); });
    }
  }
  for (const a of document.querySelectorAll("a.back")) {
    a.addEventListener("click", (e) => {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  }
  const wide = () => {
    for (const t of document.querySelectorAll("table.grid, .scroll")) {
      if (t.scrollWidth > t.clientWidth + 1) t.tabIndex = 0; else t.removeAttribute("tabindex");
    }
  };
  wide();
  window.addEventListener("resize", wide);
  for (const table of document.querySelectorAll("table.sortable")) sortable(table);
});

// Sorting a table by a column: numbers as numbers (1,234.5 and 12.3% too), other text in
// Chinese collation; a second click reverses the order.
function sortable(table) {
  const collator = new Intl.Collator(document.documentElement.lang || "zh-CN", { numeric: true });
  const number = (text) => {
    const t = text.replace(/[,\s%]/g, "");
    return /^[-+]?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  };
  table.querySelectorAll("thead th").forEach((th, col) => {
    th.tabIndex = 0;
    th.setAttribute("aria-sort", "none");
    const sort = () => {
      const body = table.tBodies[0];
      const rows = Array.from(body.rows).filter((r) => r.cells.length > col);
      if (rows.length < 2) return;
      const up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach((o) => o.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      rows.sort((a, b) => {
        const x = a.cells[col].innerText.trim(), y = b.cells[col].innerText.trim();
        const nx = number(x), ny = number(y);
        const order = nx !== null && ny !== null ? nx - ny : collator.compare(x, y);
        return up ? order : -order;
      });
      for (const r of rows) body.appendChild(r);
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
}
