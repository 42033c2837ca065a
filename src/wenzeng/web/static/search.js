// The search box and the copy-link button, on every page (no script is written into a page):
// - "/" anywhere outside a text field puts the cursor in the search box of the navigation;
// - <a class="copy-link"> copies the address of the page, with its parameters, and says so;
//   without a script it is a plain link to the same address (to copy from the browser).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("nav-search-q");
  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || !box) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
  for (const a of document.querySelectorAll("a.copy-link")) {
    const label = a.textContent;
    a.addEventListener("click", (e) => {
      if (!navigator.clipboard) return; // the link itself still leads to the address
      e.preventDefault();
      navigator.clipboard.writeText(window.location.href).then(
        () => { a.textContent = a.dataset.done || label; },
        () => { a.textContent = a.dataset.failed || label; },
      );
      window.setTimeout(() => { a.textContent = label; }, 2500);
    });
  }
});
