/* ldpub: the SPARQL query editor (YASGUI, served from our own static files).
 *
 * Configuration comes from the page (<script id="ldpub-sparql-config">):
 * endpoint, base URI, prefixes, example queries, the row cap, the name
 * of the header that announces a cut result and the protocol dataset of
 * the page's URL; the query time limit is its data-query-timeout attribute.
 * Nothing here talks to any other host: the autocompleters
 * that call LOV / prefix.cc are off, and YASGUI's populateFromUrl too (a
 * link could set another endpoint with it).
 */
(function () {
  "use strict";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var XSD_NUMBERS = ["integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"];
  var configElement = document.getElementById("ldpub-sparql-config");
  var config = JSON.parse(configElement.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var prefixLines = Object.keys(config.prefixes).map(function (p) {
    return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
  }).join("\n");
  var starter = prefixLines + "\n\nSELECT ?record ?title WHERE {\n" +
    "  ?doc foaf:primaryTopic ?record .\n  OPTIONAL { ?record dcterms:title ?title }\n}\nLIMIT 25\n";

  // YASGUI's Share link is this page + "#query=...&endpoint=...", and the
  // query run last is kept there too, so a reload keeps it: that query wins
  // over the server's ?query= prefill. Only "query" is read from it.
  var kept = new URLSearchParams(window.location.hash.slice(1)).get("query");
  var query = kept || config.query;

  // default-graph-uri / named-graph-uri of the page's URL go with every query
  var datasetArgs = [];
  Object.keys(config.dataset).forEach(function (name) {
    config.dataset[name].forEach(function (iri) { datasetArgs.push({ name: name, value: iri }); });
  });

  // Results announce the row cap in a header: show it, never cut silently,
  // right above the results it is about.
  var note = document.getElementById("ldpub-sparql-truncated");
  var plainFetch = window.fetch.bind(window);
  window.fetch = function () {
    return plainFetch.apply(null, arguments).then(function (response) {
      if (response.url && response.url.split("?")[0] === endpoint) {
        var cap = response.headers.get(config.truncatedHeader);
        var results = yasgui.getTab().getYasr().rootEl;
        results.parentNode.insertBefore(note, results);
        note.hidden = !cap;
        note.textContent = cap ? "The result was cut after " + Number(cap).toLocaleString() +
          " rows (the server's row cap). Add LIMIT/OFFSET or narrow the query to see the rest." : "";
        tellWhenCut(response);
      }
      return response;
    });
  };

  // A query that passes the time limit after its first chunk was sent (a big
  // CONSTRUCT, DESCRIBE or uncapped SELECT) ends in a cut connection: the 200 is
  // gone, and HTTP has no later status a browser would show (docs/architecture.md).
  // YASGUI then said only "Failed to fetch". Its reading of the body fails, not
  // the fetch: say what most likely happened instead. A stop the user asked for
  // (AbortError) stays YASGUI's.
  function tellWhenCut(response) {
    var read = response.text.bind(response);
    response.text = function () {
      return read().catch(function (error) {
        if (error && error.name === "AbortError") { throw error; }
        throw new Error(cutMessage());
      });
    };
  }

  function cutMessage() {
    var limit = configElement.dataset.queryTimeout;
    return "Answer cut off\nthe server stopped sending the answer part-way, so it is incomplete " +
      "and not shown: most likely the query ran longer than the limit" +
      (limit ? " of " + limit + " s" : "") + " (LDPUB_QUERY_TIMEOUT) and was stopped after " +
      "its first results were sent (add a LIMIT, narrow the patterns, or use the dumps for bulk data)";
  }

  // IRIs in results are our own URIs and dereference to our pages; YASGUI
  // opens them in a new tab (the results stay here). When the server runs
  // under another address than the base URI, point them at this server.
  var here = window.location.origin + new URL(config.endpoint, window.location.href)
    .pathname.replace(/sparql\/?$/, "");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.iri");
    if (link && link.href.indexOf(config.base) === 0 && config.base !== here) {
      link.href = here + link.href.slice(config.base.length);
    }
  }, true);

  // The table's "Ellipse" mode spends the first click on a cut IRI on
  // showing it whole; off by default, so one click follows the link.
  Yasgui.Yasr.defaults.plugins.table.dynamicConfig = { isEllipsed: false };
  readableLiterals(Yasgui.Yasr.plugins.table.prototype);
  Yasgui.Yasqe.prototype.getAsCurlString = curlCommand;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST", args: datasetArgs },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,  // the page opens at its top: skip link, navigation, keyboard hint
    // CodeMirror's contenteditable input (its default on phones) is the one screen
    // readers follow (CodeMirror's manual), and it lies inside the editor's scrolling
    // region, so a keyboard reaches what scrolls (WCAG 2.1.1)
    yasqe: { value: query || starter, autocompleters: ["variables", "prefixes"],
             inputStyle: "contenteditable" },
  });
  window.ldpubYasgui = yasgui;
  moveAddTabOut(yasgui.tabElements);
  nameControls();
  new MutationObserver(nameControls).observe(document.getElementById("yasgui"),
                                             { childList: true, subtree: true });
  yasgui.on("query", function (instance, tab) {
    window.history.replaceState(null, "", "#query=" + encodeURIComponent(tab.getQuery()));
  });
  announceResults(yasgui);

  // WCAG 4.1.3: every answer is said to a screen reader ("3 results", "Error: 400 Bad
  // Request: ...") in the page's own live regions, there since the page loaded (a region
  // inserted with its text, as YASR's and DataTables' are, is often not announced).
  // YASGUI's "queryResponse" comes before YASR has read the answer: its "drawn" after.
  function announceResults(gui) {
    var status = document.getElementById("ldpub-sparql-status");
    var alertRegion = document.getElementById("ldpub-sparql-alert");
    var pending = false;
    watch(gui.getTab().getYasr());
    gui.on("queryResponse", function (instance, tab) { pending = true; watch(tab.getYasr()); });
    function watch(yasr) {
      if (yasr.ldpubWatched) { return; }
      yasr.ldpubWatched = true;
      yasr.on("drawn", function () {
        if (!pending || !yasr.results) { return; }
        pending = false;
        var error = yasr.results.getError();
        say(error ? alertRegion : status, error ? errorText(error) : answerText(yasr.results));
        say(error ? status : alertRegion, "");
      });
    }
  }

  function answerText(results) {
    if (results.getType() === "json" && typeof results.getBoolean() === "boolean") {
      return "Answer: " + (results.getBoolean() ? "yes" : "no");
    }
    var count = (results.getBindings() || []).length;  // a cap's note says itself (role=status)
    return count.toLocaleString() + (count === 1 ? " result" : " results");
  }

  function errorText(error) {
    var text = String(error.text || error.statusText || "the query failed").trim();
    return "Error: " + text.replace(/\s*\n\s*/g, ": ");
  }

  // emptied first, so the same message twice (a query run again) is said again
  function say(region, text) {
    region.textContent = "";
    if (text) { window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  // A tab list may hold only tabs (WCAG 4.1.2; YASGUI puts its "+" button in it):
  // the button goes right after the list, in a bar holding both. YASGUI 4.6 keeps
  // them as tabElements._tabsListEl and .addTabEl, and adds a tab before addTabEl,
  // at the list's end once that is null.
  function moveAddTabOut(tabs) {
    var bar = document.createElement("div");
    bar.className = "ldpub-tabbar";
    tabs._tabsListEl.parentNode.insertBefore(bar, tabs._tabsListEl);
    bar.appendChild(tabs._tabsListEl);
    bar.appendChild(tabs.addTabEl);
    tabs.addTabEl = null;
  }

  // Names and roles YASGUI's controls lack (WCAG 4.1.2), given again whenever it
  // draws new ones (a tab, a result table): the query editor (CodeMirror's input,
  // a multi-line text box, the keyboard hint above it its description), the
  // response view's, the page-size select and the row-number column's header.
  function nameControls() {
    setAll("#yasgui .yasqe [contenteditable]", "role", "textbox");
    setAll("#yasgui .yasqe [contenteditable]", "aria-multiline", "true");
    setAll("#yasgui .yasqe [contenteditable]", "aria-label", "SPARQL query");
    setAll("#yasgui .yasqe [contenteditable]", "aria-describedby", "ldpub-sparql-keys");
    setAll("#yasgui .yasr textarea", "aria-label", "Query response");
    setAll("#yasgui select.tableSizer", "aria-label", "Page size");
    document.querySelectorAll("#yasgui th .dt-column-title:empty").forEach(function (title) {
      title.innerHTML = '<span class="visually-hidden">Row</span>';
    });
  }

  // A count read "88"^^<http://www.w3.org/2001/XMLSchema#integer> over three lines,
  // squeezing the IRI column, unless the query declared xsd: (the examples declare
  // only what their patterns use). A number now reads 88, its whole term in the
  // cell's title; any other XSD datatype reads xsd:date, still a link. YASR 4.6's
  // table draws a literal with formatLiteral(binding, prefixes); "Simple view"
  // (compact) stays YASR's own.
  function readableLiterals(table) {
    var yasrLiteral = table.formatLiteral;
    table.formatLiteral = function (binding, prefixes) {
      var type = binding.datatype || "";
      if (this.persistentConfig.compact || type.indexOf(XSD) !== 0) {
        return yasrLiteral.call(this, binding, prefixes);
      }
      if (XSD_NUMBERS.indexOf(type.slice(XSD.length)) >= 0) {
        var term = '"' + binding.value + '"^^xsd:' + type.slice(XSD.length);
        return '<span class="ldpub-number" title="' + escapeHtml(term) + '">' +
          escapeHtml(binding.value) + "</span>";
      }
      return yasrLiteral.call(this, binding, Object.assign({ xsd: XSD }, prefixes));
    };
  }

  // Share → cURL: YASGUI 4.6 writes `curl URL --data a=1&query=... -X POST` unquoted,
  // so on a page with a dataset a shell ran `curl ... a=1` in the background and
  // then `query=...`. Here every word is quoted for a POSIX shell and each
  // parameter is its own --data (curl joins them with &; -G puts them in the URL).
  function curlCommand(requestConfig) {
    var ajax = Yasgui.Yasqe.Sparql.getAjaxConfig(this, requestConfig);
    if (!ajax) { return ""; }
    var words = ["curl", shellQuote(new URL(ajax.url, window.location.href).href)];
    if (ajax.reqMethod === "GET") { words.push("-G"); }
    Object.keys(ajax.args).forEach(function (name) {
      [].concat(ajax.args[name]).forEach(function (value) {
        words.push("--data", shellQuote(encodeURIComponent(name) + "=" + encodeURIComponent(value)));
      });
    });
    var headers = Object.assign(ajax.accept ? { Accept: ajax.accept } : {}, ajax.headers);
    Object.keys(headers).forEach(function (name) {
      words.push("-H", shellQuote(name + ": " + headers[name]));
    });
    return words.join(" ");
  }

  function shellQuote(word) {
    return "'" + String(word).replace(/'/g, "'\\''") + "'";
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  function setAll(selector, name, value) {
    document.querySelectorAll(selector).forEach(function (element) {
      if (element.getAttribute(name) !== value) { element.setAttribute(name, value); }
    });
  }

  var examples = {};
  config.examples.forEach(function (e) { examples[e.key] = e; });
  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var tab = yasgui.getTab();
      tab.setQuery(examples[button.dataset.example].query);
      tab.query().catch(shownAlready);
    });
  });
  if (query) { yasgui.getTab().query().catch(shownAlready); }

  // YASGUI's query() rejects when the server refuses a query (400, 403): YASR shows that
  // error and the live region says it; left uncaught it was also a console error.
  function shownAlready() {}
})();
