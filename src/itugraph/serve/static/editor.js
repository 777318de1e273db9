// The SPARQL editor: YASGUI (vendored in /static/vendor/yasgui) on this server's /sparql.
// Everything domain-specific comes from the server in #editor-config: the graph's prefixes, the
// canned queries as examples, the query a new tab starts with, and which IRIs have local pages.
// Nothing is fetched from anywhere but this server: no prefix.cc, no Linked Open Vocabularies,
// no CORS proxy; classes and properties for completion come from the endpoint's own service
// description (VoID) and the ontology at /def.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;

  const RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
  const RDFS = "http://www.w3.org/2000/01/rdf-schema#";
  const OWL = "http://www.w3.org/2002/07/owl#";
  const VOID = "http://rdfs.org/ns/void#";
  const CLASS_TYPES = [OWL + "Class", RDFS + "Class"];
  const PROPERTY_TYPES = [
    RDF + "Property", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
  ];

  // ---- links: IRIs of the dataset open their page on this server ----
  function localHref(iri) {
    for (const { iri: namespace, path } of config.local) {
      if (iri.startsWith(namespace)) return path + iri.slice(namespace.length);
    }
    return null;
  }

  class LocalLinkTable extends Yasr.plugins.table {
    getUriLinkFromBinding(binding, prefixes) {
      const html = super.getUriLinkFromBinding(binding, prefixes);
      const href = localHref(binding.value);
      if (!href) return html;
      const template = document.createElement("template");
      template.innerHTML = html;
      const link = template.content.querySelector("a");
      if (!link) return html;
      link.setAttribute("href", href);
      link.setAttribute("title", binding.value);
      link.removeAttribute("target");
      link.removeAttribute("ref");
      return template.innerHTML;
    }
    // YASR's page-size menu has "Page size:" beside it but no name of its own (axe: select-name).
    drawControls() {
      super.drawControls();
      if (this.tableSizeField) this.tableSizeField.setAttribute("aria-label", "Page size");
    }
  }
  Yasr.registerPlugin("table", LocalLinkTable);

  // ---- prefixes: the graph's own, over the bundle's built-in list (never prefix.cc) ----
  const ours = Object.keys(config.prefixes);
  const builtInPrefixes = Yasqe.Autocompleters.prefixes;
  Yasqe.registerAutocompleter({
    ...builtInPrefixes,
    persistenceId: null, // always the server's current list, never a stale copy in localStorage
    get: (yasqe) =>
      Promise.resolve(builtInPrefixes.get(yasqe))
        .catch(() => [])
        .then((builtIn) => [
          ...ours.map((name) => `${name}: <${config.prefixes[name]}>`),
          ...builtIn.filter((line) => !ours.includes(line.slice(0, line.indexOf(":")))),
        ]),
  });

  // ---- classes and properties: from this server's VoID and ontology ----
  async function jsonld(path) {
    const response = await fetch(path, { headers: { Accept: "application/ld+json" } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  }
  function values(node, property) {
    return (node[property] || []).map((v) => (v["@id"] !== undefined ? v["@id"] : v["@value"]));
  }
  function englishLabel(node) {
    const labels = node[RDFS + "label"] || [];
    const label = labels.find((l) => l["@language"] === "en") || labels[0];
    return label ? label["@value"] : "";
  }
  let known = { class: new Map(), property: new Map() };
  const vocabulary = Promise.all([jsonld(config.endpoint), jsonld(config.ontology)])
    .then(([description, ontology]) => {
      const terms = { class: new Map(), property: new Map() };
      const add = (kind, iri, count, label) => {
        const term = terms[kind].get(iri) || { iri, count: 0, label: "" };
        term.count += Number(count || 0);
        term.label = term.label || label || "";
        terms[kind].set(iri, term);
      };
      for (const node of description) {
        for (const iri of values(node, VOID + "class")) add("class", iri, values(node, VOID + "entities")[0]);
        for (const iri of values(node, VOID + "property")) add("property", iri, values(node, VOID + "triples")[0]);
      }
      for (const node of ontology) {
        const types = node["@type"] || [];
        if (types.some((t) => CLASS_TYPES.includes(t))) add("class", node["@id"], 0, englishLabel(node));
        if (types.some((t) => PROPERTY_TYPES.includes(t))) add("property", node["@id"], 0, englishLabel(node));
      }
      known = terms;
      return terms;
    })
    .catch((error) => {
      console.warn("no class or property completion:", error);
      return known;
    });

  function expand(yasqe, text) {
    if (text.startsWith("<")) return text.slice(1, -1);
    const colon = text.indexOf(":");
    const namespace = yasqe.getPrefixesFromQuery()[text.slice(0, colon)];
    return namespace === undefined ? text : namespace + text.slice(colon + 1);
  }
  function localCompleter(kind) {
    const builtIn = Yasqe.Autocompleters[kind];
    return {
      ...builtIn,
      autoShow: true,
      get: async (yasqe, token) => {
        const wanted = (token && token.autocompletionString) || "";
        if (!wanted) return [];
        const terms = (await vocabulary)[kind];
        return [...terms.keys()].filter((iri) => iri.startsWith(wanted)).sort();
      },
      postprocessHints: (yasqe, hints) =>
        hints.map((hint) => {
          const term = known[kind].get(expand(yasqe, hint.text));
          const note = term ? [term.label, term.count ? String(term.count) : ""].filter(Boolean).join(" · ") : "";
          hint.render = (element) => {
            element.appendChild(document.createTextNode(hint.text));
            if (!note) return;
            const span = document.createElement("span");
            span.className = "hint-note";
            span.textContent = note;
            element.appendChild(span);
          };
          return hint;
        }),
    };
  }
  Yasqe.registerAutocompleter(localCompleter("class"));
  Yasqe.registerAutocompleter(localCompleter("property"));

  // ---- YASGUI on this server's endpoint only ----
  const endpointInfo = () => {
    const info = document.createElement("span");
    info.className = "endpoint-info";
    info.append("Endpoint ");
    const code = document.createElement("code");
    code.textContent = config.endpoint;
    info.appendChild(code);
    return info;
  };
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "itugraph-editor",
    autofocus: false,
    corsProxy: undefined,
    copyEndpointOnNewTab: false,
    endpointInfo,
    // The tab menu (right click on a tab) goes in the page, not into the tablist (see below).
    contextMenuContainer: document.body,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    requestConfig: {
      endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
    // ?query=… (and #query=… share links) open the query in a tab, always on this endpoint.
    populateFromUrl: (tab) => {
      tab.requestConfig.endpoint = endpoint;
      tab.requestConfig.args = [];
      return tab;
    },
    yasqe: {
      value: config.defaultQuery,
      prefixCcApi: null,
      collapsePrefixesOnLoad: true,
      editorHeight: "22em",
      screenReaderLabel: "SPARQL query", // CodeMirror's input, named for screen readers
    },
    yasr: { prefixes: config.prefixes },
  });
  // ---- the tab bar: a tablist that owns its tabs and nothing else ----
  // YASGUI draws its "+" (a button adding a tab) inside its role=tablist, which may own tabs
  // alone (axe: aria-required-children), and its arrow keys then step onto "+" as onto a tab.
  // The "+" moves out, to a box beside the tablist in one row: it shows where it did, Tab
  // reaches it after the tabs, Enter adds a tab, and the arrow keys go round the tabs only.
  // The box has no role; it keeps YASGUI's class tabsList for YASGUI's own style of the "+"
  // (.yasgui .tabsList .addTab). YASGUI draws the list once (new tabs go in as children of it,
  // before its "+" if it has one there, else at the end: so it is told it has none).
  function tidyTabBar() {
    const tabs = yasgui.tabElements;
    const list = tabs._tabsListEl;
    const add = tabs.addTabEl;
    if (!list || !add || !list.contains(add)) return;
    const bar = document.createElement("div");
    bar.className = "tabBar";
    bar.style.display = "flex";
    const box = document.createElement("div");
    box.className = "tabsList addTabBox";
    list.replaceWith(bar);
    bar.append(list, box);
    box.append(add);
    tabs.addTabEl = null;
  }
  tidyTabBar();
  // The names of the tabs not shown are #888 on white (3.5:1, axe: color-contrast): darker, 5.7:1.
  const tabStyle = document.createElement("style");
  tabStyle.textContent = ".yasgui .tabsList .tab a{color:#666}";
  document.body.append(tabStyle); // after YASGUI's stylesheet, which the page links in its body
  // Tabs kept in this browser from an earlier visit query this endpoint too.
  for (const tab of Object.values(yasgui._tabs)) {
    if (tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }
  // The URL's query now lives in a tab (kept in the browser): take it (and YASGUI's other share
  // parameters) off the address, so that a reload shows the tabs as they are; keep the rest.
  const address = new URL(window.location.href);
  if (address.searchParams.has("query")) {
    for (const key of [
      "query", "endpoint", "requestMethod", "tabTitle", "headers", "contentTypeConstruct",
      "contentTypeSelect", "outputFormat", "outputSettings", "namedGraph", "defaultGraph",
    ]) {
      address.searchParams.delete(key);
    }
    window.history.replaceState(null, "", address.pathname + address.search + address.hash);
  }

  // ---- examples: the canned queries, parameters shown as VALUES lines to edit ----
  const select = document.getElementById("examples");
  const question = document.getElementById("example-question");
  const pristine = new Set([config.defaultQuery, ...config.examples.map((e) => e.text)]);

  function showExample(example) {
    select.value = example ? example.name : "";
    question.textContent = example ? example.question : "";
    question.hidden = !example;
  }
  function exampleOf(text) {
    return config.examples.find((e) => e.text === text);
  }
  function openExample(example) {
    for (const tab of Object.values(yasgui._tabs)) {
      if (tab.getPersistedJson().yasqe.value === example.text) {
        yasgui.selectTabId(tab.getId());
        return;
      }
    }
    const current = yasgui.getTab();
    if (current && pristine.has(current.getQuery())) {
      // An untouched tab (the starting query, or another example) takes the example...
      current.setQuery(example.text);
      current.setName(example.title);
    } else {
      // ...an edited one is kept, and the example opens in a new tab.
      yasgui.addTab(true, { name: example.title, yasqe: { value: example.text } });
    }
  }
  select.addEventListener("change", () => {
    const example = config.examples.find((e) => e.name === select.value);
    showExample(example);
    if (example) openExample(example);
  });
  yasgui.on("tabSelect", (_yasgui, tabId) => {
    const tab = yasgui.getTab(tabId);
    showExample(tab && exampleOf(tab.getPersistedJson().yasqe.value));
  });
  const first = yasgui.getTab();
  showExample(first && exampleOf(first.getPersistedJson().yasqe.value));
  window.itugraphEditor = yasgui;
})();
