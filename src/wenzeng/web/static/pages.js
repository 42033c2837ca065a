// What the pages do in the browser, for every page (no script is written into a page):
// - <form data-confirm="…"> asks before it is sent (deleting a report);
// - <form class="generate"> disables its button and shows its .busy note while a report is made;
// - <select data-navigate="plan"> opens ?plan=<choice> when the choice changes;
// - <a class="back"> goes back in the browser's history.
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
  for (const a of document.querySelectorAll("a.back")) {
    a.addEventListener("click", (e) => {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  }
});
