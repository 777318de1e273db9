// The SPARQL editor: examples from the canned queries, results of /sparql as a table.
(function () {
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const query = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");

  document.getElementById("examples").addEventListener("change", (event) => {
    const chosen = examples.find((e) => e.name === event.target.value);
    if (chosen) query.value = chosen.text;
  });

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = term.value.replace("https://w3id.org/itugraph/", "/");
      a.textContent = term.value.replace("https://w3id.org/itugraph/id/", "");
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
    return td;
  }

  async function run() {
    status.textContent = "running…";
    results.textContent = "";
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query: query.value }),
    });
    if (!response.ok) {
      status.textContent = `error ${response.status}: ${await response.text()}`;
      return;
    }
    const data = await response.json();
    if ("boolean" in data) {
      status.textContent = `answer: ${data.boolean}`;
      return;
    }
    const table = document.createElement("table");
    table.id = "result-table";
    const head = table.insertRow();
    data.head.vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    data.results.bindings.forEach((row) => {
      const tr = table.insertRow();
      data.head.vars.forEach((v) => tr.appendChild(cell(row[v])));
    });
    results.appendChild(table);
    status.textContent = `${data.results.bindings.length} row(s)`;
  }
  document.getElementById("run").addEventListener("click", run);
})();
