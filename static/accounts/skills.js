// Skill suggestions for the comma-separated skills field: complete the last skill being typed.
(function () {
  const script = document.getElementById("skills-script");
  const input = document.querySelector('input[list="skill-suggestions"]');
  const list = document.getElementById("skill-suggestions");
  if (!script || !input || !list) return;
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const parts = input.value.split(",");
      const last = parts.pop().trim();
      if (last.length < 1) { list.replaceChildren(); return; }
      const done = parts.map((p) => p.trim()).filter(Boolean);
      const response = await fetch(script.dataset.url + "?q=" + encodeURIComponent(last), { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      list.replaceChildren(...data.results
        .filter((s) => !done.some((d) => d.toLowerCase() === s.name.toLowerCase()))
        .map((s) => { const o = document.createElement("option"); o.value = [...done, s.name].join(", "); return o; }));
    }, 150);
  });
})();
