// Checks in the entry form, one state at a time. The values and the explanations typed so
// far go to /api/v1/submissions/check when the page opens and whenever they change; the answer
// replaces every problem shown (the server's from the last save too), so a corrected figure
// never keeps its old message. A warning gets its explanation box at once, and one banner
// says where the form stands, in Chinese, then English. Nothing is saved by this.
(function () {
  const form = document.getElementById("entry");
  if (!form || form.dataset.editable !== "1") return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const banner = document.getElementById("banner");
  const general = document.getElementById("form-problems");
  const en = document.documentElement.lang === "en";
  let timer = null;
  let asked = 0;
  // a field left empty is told it is required once it has been touched (or the server said so),
  // not on a blank form before anything is typed
  const touched = new Set();
  for (const p of form.querySelectorAll("td.checks .problem")) {
    touched.add(p.closest("tr").dataset.field);
  }

  function values() {
    const out = {};
    for (const el of form.elements) {
      if (el.name && el.name.startsWith("f_") && el.value.trim() !== "") out[el.name.slice(2)] = el.value;
    }
    return out;
  }

  function explanations() {
    const out = {};
    for (const el of form.querySelectorAll("textarea[name^='x_']")) {
      if (el.value.trim() !== "") out[el.name.slice(2)] = el.value;
    }
    return out;
  }

  function problemBox(p, notes) {
    const div = document.createElement("div");
    div.className = `problem ${p.severity}`;
    div.dataset.rule = p.rule;
    const msg = document.createElement("span");
    msg.className = "msg";
    msg.textContent = en ? p.msg_en : p.msg_zh;
    div.appendChild(msg);
    if (p.severity === "warning") {
      const label = document.createElement("label");
      label.className = "explain";
      label.textContent = en ? "Explanation (needed to submit)" : "情况说明（报送前须填写）";
      const box = document.createElement("textarea");
      box.name = `x_${p.rule}`;
      box.rows = 2;
      box.placeholder = en ? "Explain why the figure is right" : "请说明情况（如数据属实）";
      box.value = notes[p.rule] || "";
      label.appendChild(box);
      div.appendChild(label);
    }
    return div;
  }

  function say(kind, zh, english) {
    banner.className = `alert ${kind}`;
    banner.replaceChildren(document.createTextNode(zh), document.createElement("br"));
    const second = document.createElement("span");
    second.lang = "en";
    second.textContent = english;
    banner.appendChild(second);
    banner.hidden = false;
  }

  function state(problems, untouched) {
    const errors = problems.filter((p) => p.severity === "error").length;
    const open = problems.filter((p) => p.severity === "warning" && !p.explanation).length;
    const warned = problems.filter((p) => p.severity === "warning").length;
    if (errors) {
      say("error", `未通过检查：${errors} 个错误须改正${open ? `，${open} 个提示须说明` : ""}。`,
        `Not passed: ${errors} error(s) to correct${open ? `, ${open} warning(s) to explain` : ""}.`);
    } else if (open) {
      say("warn", `${open} 个提示须填写情况说明后才能报送。`,
        `${open} warning(s) need an explanation before submitting.`);
    } else if (untouched) {
      say("", `尚有 ${untouched} 个必填项未填写。`, `${untouched} required item(s) still to fill in.`);
    } else {
      say("ok", warned ? "检查通过（提示均已说明），可以报送。" : "检查通过，可以报送。",
        warned ? "All checks pass (warnings explained); ready to submit." : "All checks pass; ready to submit.");
    }
  }

  async function check() {
    const mine = ++asked;
    const notes = { ...JSON.parse(form.dataset.explanations || "{}"), ...explanations() };
    const body = { form: form.dataset.form, reporter: form.dataset.reporter, period: form.dataset.period,
      values: values(), explanations: notes };
    const resp = await fetch("/api/v1/submissions/check", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body), credentials: "same-origin",
    });
    if (!resp.ok || mine !== asked) return;  // a newer check is on its way
    const data = await resp.json();
    const focused = document.activeElement && document.activeElement.name;
    for (const old of form.querySelectorAll(".problem")) old.remove();
    const shown = data.problems.filter((p) => p.rule !== "required" || touched.has(p.field));
    const untouched = data.problems.length - shown.length;
    for (const p of shown) {
      const cell = form.querySelector(`tr[data-field="${p.field}"] td.checks`) || general;
      cell.appendChild(problemBox(p, notes));
    }
    if (focused && focused.startsWith("x_")) {
      const again = form.querySelector(`textarea[name="${focused}"]`);
      if (again) { again.focus(); again.setSelectionRange(again.value.length, again.value.length); }
    }
    state(shown, untouched);
  }

  function soon(e) {
    if (e.target.name && e.target.name.startsWith("f_")) touched.add(e.target.name.slice(2));
    if (e.target.name && e.target.name.startsWith("x_")) {
      const saved = JSON.parse(form.dataset.explanations || "{}");
      saved[e.target.name.slice(2)] = e.target.value;
      form.dataset.explanations = JSON.stringify(saved);
    }
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }
  form.addEventListener("input", soon);
  check();
})();
