// Live checks in the entry form: the values go to /api/v1/submissions/check as they change,
// and the problems found are shown beside the fields. Nothing is saved by this.
(function () {
  const form = document.getElementById("entry");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const live = document.getElementById("live");
  const en = document.documentElement.lang === "en";
  let timer = null;

  function values() {
    const out = {};
    for (const el of form.elements) {
      if (el.name && el.name.startsWith("f_") && el.value.trim() !== "") out[el.name.slice(2)] = el.value;
    }
    return out;
  }

  async function check() {
    const body = { form: form.dataset.form, reporter: form.dataset.reporter, period: form.dataset.period, values: values() };
    const resp = await fetch("/api/v1/submissions/check", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body), credentials: "same-origin",
    });
    if (!resp.ok) return;
    const data = await resp.json();
    for (const cell of form.querySelectorAll("td.checks")) {
      for (const old of cell.querySelectorAll(".problem.live-only")) old.remove();
    }
    let errors = 0, warnings = 0;
    for (const p of data.problems) {
      if (p.severity === "error") errors++; else warnings++;
      const row = form.querySelector(`tr[data-field="${p.field}"] td.checks`);
      if (!row) continue;
      const div = document.createElement("div");
      div.className = `problem ${p.severity} live-only`;
      div.textContent = en ? p.msg_en : p.msg_zh;
      row.appendChild(div);
    }
    live.textContent = en ? `${errors} error(s), ${warnings} warning(s)` : `${errors} 个错误，${warnings} 个提示`;
  }

  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 400); });
})();
