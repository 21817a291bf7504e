/* The relation explorer: draws /api/neighbourhood answers with Cytoscape.js, expands a node on
   click / tap or with its Expand button in the node list, and filters edges by relation type. */
(function () {
  "use strict";

  var root = document.getElementById("explorer");
  if (!root || typeof cytoscape !== "function") { return; }
  var api = root.getAttribute("data-api");
  var centre = root.getAttribute("data-iri");
  var list = document.getElementById("node-list");
  var counter = document.getElementById("node-count");
  var status = document.getElementById("explorer-status");
  var options = document.getElementById("relation-options");

  var COLOURS = {
    person: ["#dbeafe", "#1e40af"], org: ["#dcfce7", "#166534"], place: ["#ffedd5", "#9a3412"],
    program: ["#f3e8ff", "#6b21a8"], document: ["#fef9c3", "#854d0e"], post: ["#e0f2fe", "#075985"],
    visit: ["#fee2e2", "#991b1b"], role: ["#f1f5f9", "#334155"]
  };

  var cy = cytoscape({
    container: document.getElementById("cy"),
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "label": "data(short)", "text-wrap": "wrap", "text-max-width": "110px", "font-size": "10px",
        "text-valign": "bottom", "text-margin-y": "4px", "color": "#1c2430",
        "background-color": "data(fill)", "border-color": "data(stroke)", "border-width": 2,
        "width": 26, "height": 26
      } },
      { selector: "node.centre", style: { "width": 38, "height": 38, "border-width": 4, "font-weight": "bold" } },
      { selector: "node.expanded", style: { "border-style": "double", "border-width": 5 } },
      { selector: "node:selected", style: { "overlay-color": "#ffbf47", "overlay-opacity": 0.35 } },
      { selector: "edge", style: {
        "label": "data(label)", "font-size": "9px", "color": "#5a6472", "text-rotation": "autorotate",
        "text-background-color": "#fbfcfe", "text-background-opacity": 0.85, "text-background-padding": "1px",
        "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5,
        "line-color": "#9aa6b5", "target-arrow-color": "#9aa6b5", "arrow-scale": 0.9
      } },
      { selector: "edge.hidden-relation", style: { "display": "none" } }
    ]
  });

  var expanded = {};
  var hidden = {};
  var relations = {};

  function say(text) { if (status) { status.textContent = text; } }

  function shorten(label) { return label.length > 34 ? label.slice(0, 32).replace(/\s+\S*$/, "") + "…" : label; }

  function colours(kind) { return COLOURS[kind] || ["#e5e7eb", "#374151"]; }

  function addData(data, around) {
    var origin = around ? cy.getElementById(around) : null;
    var base = origin && origin.length ? origin.position() : { x: 0, y: 0 };
    var added = 0;
    cy.batch(function () {
      data.nodes.forEach(function (n, i) {
        if (cy.getElementById(n.id).length) { return; }
        var c = colours(n.kind);
        var angle = (2 * Math.PI * i) / Math.max(1, data.nodes.length);
        cy.add({ group: "nodes", data: { id: n.id, label: n.label, short: shorten(n.label), kind: n.kind, type: n.type, href: n.href, fill: c[0], stroke: c[1] },
                 position: { x: base.x + 160 * Math.cos(angle), y: base.y + 160 * Math.sin(angle) } });
        added += 1;
      });
      data.edges.forEach(function (e) {
        if (cy.getElementById(e.id).length) { return; }
        var edge = cy.add({ group: "edges", data: { id: e.id, source: e.source, target: e.target, predicate: e.predicate, label: e.label } });
        if (hidden[e.predicate]) { edge.addClass("hidden-relation"); }
      });
    });
    data.relations.forEach(function (r) {
      if (!relations[r.predicate]) { relations[r.predicate] = r.label; }
    });
    return added;
  }

  function layout() {
    cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 24000; },
                idealEdgeLength: function () { return 110; }, nodeOverlap: 20, fit: true, padding: 30 }).run();
  }

  function renderFilter() {
    var keys = Object.keys(relations).sort(function (a, b) { return relations[a].localeCompare(relations[b]); });
    options.innerHTML = "";
    keys.forEach(function (predicate) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = predicate;
      box.checked = !hidden[predicate];
      var count = cy.edges().filter(function (e) { return e.data("predicate") === predicate; }).length;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + relations[predicate] + " "));
      var badge = document.createElement("span");
      badge.className = "count";
      badge.textContent = String(count);
      label.appendChild(badge);
      options.appendChild(label);
    });
  }

  function renderList() {
    var nodes = cy.nodes().sort(function (a, b) {
      if (a.id() === centre) { return -1; }
      if (b.id() === centre) { return 1; }
      return a.data("label").localeCompare(b.data("label"));
    });
    list.innerHTML = "";
    nodes.forEach(function (n) {
      var li = document.createElement("li");
      li.setAttribute("data-iri", n.id());
      if (n.id() === centre) { li.className = "center"; }
      var link = document.createElement("a");
      link.href = n.data("href");
      link.className = "ent k-" + n.data("kind");
      link.lang = "id";
      link.textContent = n.data("label");
      var type = document.createElement("span");
      type.className = "type";
      type.textContent = n.data("type");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "expand";
      button.setAttribute("data-iri", n.id());
      button.setAttribute("aria-label", (expanded[n.id()] ? "Expanded: " : "Expand ") + n.data("label"));
      button.textContent = expanded[n.id()] ? "Expanded" : "Expand";
      button.disabled = !!expanded[n.id()];
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(type);
      li.appendChild(button);
      list.appendChild(li);
    });
    counter.textContent = String(cy.nodes().length);
  }

  function refresh() { renderFilter(); renderList(); }

  function expand(iri) {
    if (expanded[iri]) { return Promise.resolve(0); }
    expanded[iri] = "loading";
    var node = cy.getElementById(iri);
    var name = node.length ? node.data("label") : (iri === centre ? root.getAttribute("data-label") : iri);
    say("Expanding " + name + "…");
    return fetch(api + "?iri=" + encodeURIComponent(iri), { headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
        return response.json();
      })
      .then(function (data) {
        var added = addData(data, iri);
        expanded[iri] = true;
        cy.getElementById(iri).addClass("expanded");
        layout();
        refresh();
        say("Expanded " + name + ": " + added + " new node" + (added === 1 ? "" : "s") + "; " +
            cy.nodes().length + " nodes, " + cy.edges().length + " relations" + (data.truncated ? " (some relations left out)" : "") + ".");
        return added;
      })
      .catch(function (error) {
        delete expanded[iri];
        say("Could not expand " + name + ": " + error.message);
        return 0;
      });
  }

  cy.on("tap", "node", function (event) {
    var node = event.target;
    cy.elements().unselect();
    node.select();
    expand(node.id());
  });
  cy.on("dbltap", "node", function (event) { window.location.href = event.target.data("href"); });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.expand");
    if (!button) { return; }
    var iri = button.getAttribute("data-iri");
    expand(iri).then(function () {
      var again = list.querySelector('li[data-iri="' + CSS.escape(iri) + '"] a');
      if (again) { again.focus(); }
    });
  });

  options.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") { return; }
    hidden[box.value] = !box.checked;
    cy.edges().forEach(function (edge) {
      if (edge.data("predicate") === box.value) { edge.toggleClass("hidden-relation", !box.checked); }
    });
    var shown = cy.edges().filter(function (e) { return !e.hasClass("hidden-relation"); }).length;
    say((box.checked ? "Showing " : "Hiding ") + relations[box.value] + "; " + shown + " relations shown.");
  });

  expand(centre).then(function () {
    cy.getElementById(centre).addClass("centre");
    layout();
  });

  window.kgExplorer = { cy: cy, expand: expand, expanded: expanded };
})();
