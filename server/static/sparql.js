/* The query editor at /sparql: YASGUI (served from /static/vendor/yasgui/) on this endpoint, with the
   project's prefixes preset and every competency question one click away. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var element = document.getElementById("yasgui");
  if (!element || typeof Yasgui !== "function") { return; }

  var yasgui = new Yasgui(element, {
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9"
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    persistenceId: "kemensos-kg-sparql",
    yasqe: {
      value: config.defaultQuery,
      // only completions that need no other server: no LOV look-ups for classes and properties
      autocompleters: ["prefixes", "variables"],
      collapsePrefixesOnLoad: true,
      editorHeight: "360px"
    },
    yasr: { prefixes: config.prefixes }
  });

  function currentTab() {
    return yasgui.getTab() || yasgui.addTab(true);
  }

  // Runs `text` in the current tab. A query the endpoint refuses (a malformed one gets 400 with the line
  // and a caret) rejects YASGUI's promise after YASR has shown the endpoint's message: nothing is left to
  // handle, and an unhandled rejection would only be an error in the console.
  function run(text) {
    var tab = currentTab();
    tab.setEndpoint(config.endpoint);
    tab.setQuery(text);
    return tab.query().catch(function () { return null; });
  }

  var buttons = document.querySelectorAll("button.cq");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      var text = config.queries[button.getAttribute("data-query")];
      if (!text) { return; }
      Array.prototype.forEach.call(buttons, function (b) { b.setAttribute("aria-pressed", "false"); });
      button.setAttribute("aria-pressed", "true");
      run(text);
      var results = element.querySelector(".yasr");
      if (results && results.scrollIntoView && window.matchMedia("(max-width: 48rem)").matches) {
        results.scrollIntoView({ block: "start" });
      }
    });
  });

  window.kgYasgui = yasgui;
  window.kgEditor = { run: run };
})();
