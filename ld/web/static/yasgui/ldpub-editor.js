/* ldpub: the SPARQL query editor (YASGUI, served from our own static files).
 *
 * Configuration comes from the page (<script id="ldpub-sparql-config">):
 * endpoint, base URI, prefixes, example queries, the row cap and the name
 * of the header that announces a cut result. Nothing here talks to any
 * other host: the autocompleters that call LOV / prefix.cc are off.
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ldpub-sparql-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var prefixLines = Object.keys(config.prefixes).map(function (p) {
    return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
  }).join("\n");
  var starter = prefixLines + "\n\nSELECT ?record ?title WHERE {\n" +
    "  ?doc foaf:primaryTopic ?record .\n  OPTIONAL { ?record dcterms:title ?title }\n}\nLIMIT 25\n";

  // Results announce the row cap in a header: show it, never cut silently.
  var note = document.getElementById("ldpub-sparql-truncated");
  var plainFetch = window.fetch.bind(window);
  window.fetch = function () {
    return plainFetch.apply(null, arguments).then(function (response) {
      if (response.url && response.url.split("?")[0] === endpoint) {
        var cap = response.headers.get(config.truncatedHeader);
        note.hidden = !cap;
        note.textContent = cap ? "The result was cut after " + Number(cap).toLocaleString() +
          " rows (the server's row cap). Add LIMIT/OFFSET or narrow the query to see the rest." : "";
      }
      return response;
    });
  };

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

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { value: config.query || starter, autocompleters: ["variables", "prefixes"] },
  });
  window.ldpubYasgui = yasgui;

  var examples = {};
  config.examples.forEach(function (e) { examples[e.key] = e; });
  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var tab = yasgui.getTab();
      tab.setQuery(examples[button.dataset.example].query);
      tab.query();
    });
  });
  if (config.query) { yasgui.getTab().query(); }
})();
