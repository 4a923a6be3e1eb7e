// The battery-kg network page: draws the embedded graph with vis-network, and
// filters it by type, relation and search, all in the browser.
// Text from the graph only ever goes into textContent/innerText or the canvas, never into markup.
(function () {
  "use strict";
  // performance marks for bench/viz.py: script start, data parsed, network built, first drawing
  performance.mark("kg:start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg:data");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var typeOn = {};
  var relationOn = {};
  data.types.forEach(function (t) { typeOn[t.type] = true; });
  data.relations.forEach(function (r) { relationOn[r.relation] = true; });

  var neighbours = {};
  data.nodes.forEach(function (n) { neighbours[n.id] = []; });
  data.edges.forEach(function (e) { neighbours[e.from].push(e.to); neighbours[e.to].push(e.from); });
  var searchText = {};
  data.nodes.forEach(function (n) {
    searchText[n.id] = [n.label].concat(n.aliases || []).join("\n").toLowerCase();
  });

  var matched = null;  // ids matching the search, or null when there is no search
  var shown = new Set();
  // before the views exist: a view filters once when made, and a network given empty views
  // and then filled through change events costs several times a network given full ones
  computeShown();
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shown.has(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return relationOn[e.relation] && shown.has(e.from) && shown.has(e.to); }
  });

  function computeShown() {
    shown = new Set();
    var near = null;
    if (matched !== null) {
      near = new Set();
      matched.forEach(function (id) {
        near.add(id);
        neighbours[id].forEach(function (other) { near.add(other); });
      });
    }
    data.nodes.forEach(function (n) {
      if (typeOn[n.group] && (near === null || near.has(n.id))) { shown.add(n.id); }
    });
  }

  var count = document.getElementById("kg-count");
  function refresh() {
    computeShown();
    nodeView.refresh();
    edgeView.refresh();
    showCount();
  }
  function showCount() {
    count.dataset.nodes = String(nodeView.length);
    count.dataset.edges = String(edgeView.length);
    count.textContent = "Showing " + nodeView.length + " of " + data.nodes.length + " entities, " +
      edgeView.length + " of " + data.edges.length + " links";
  }

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  showCount();
  performance.mark("kg:network");
  network.once("afterDrawing", function () {
    performance.mark("kg:drawn");
    window.kgReady = performance.now();
    document.documentElement.dataset.ready = "true";
  });

  // legend: a swatch, a name, a count and a checkbox per node type and per relation
  var SVG = "http://www.w3.org/2000/svg";
  function swatch(shape, color, dashed) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "-8 -8 16 16");
    var el;
    var points = {
      diamond: "0,-7 7,0 0,7 -7,0",
      triangle: "0,-7 7,6 -7,6",
      triangleDown: "0,7 7,-6 -7,-6",
      hexagon: "7,0 3.5,6 -3.5,6 -7,0 -3.5,-6 3.5,-6",
      star: "0,-7 1.8,-2.4 6.7,-2.2 2.9,0.9 4.1,5.7 0,3 -4.1,5.7 -2.9,0.9 -6.7,-2.2 -1.8,-2.4",
      line: null
    };
    if (shape === "line") {
      el = document.createElementNS(SVG, "line");
      el.setAttribute("x1", "-8"); el.setAttribute("y1", "0"); el.setAttribute("x2", "8"); el.setAttribute("y2", "0");
      el.setAttribute("stroke", color);
      el.setAttribute("stroke-width", "2.5");
      if (dashed) { el.setAttribute("stroke-dasharray", "3 2"); }
    } else {
      if (shape === "square") {
        el = document.createElementNS(SVG, "rect");
        el.setAttribute("x", "-6"); el.setAttribute("y", "-6"); el.setAttribute("width", "12"); el.setAttribute("height", "12");
      } else if (points[shape]) {
        el = document.createElementNS(SVG, "polygon");
        el.setAttribute("points", points[shape]);
      } else {
        el = document.createElementNS(SVG, "circle");
        el.setAttribute("r", "6.5");
      }
      el.setAttribute("fill", color);
      el.setAttribute("stroke", "#333");
      if (dashed) { el.setAttribute("stroke-dasharray", "2 1.5"); }
    }
    svg.appendChild(el);
    return svg;
  }
  function legendItem(list, id, svg, name, n, onChange) {
    var li = document.createElement("li");
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = id;
    box.addEventListener("change", function () { onChange(box.checked); refresh(); });
    var text = document.createElement("span");
    text.textContent = name;
    var number = document.createElement("span");
    number.className = "kg-count";
    number.textContent = String(n);
    label.append(box, svg, text, number);
    li.appendChild(label);
    list.appendChild(li);
  }
  var typeList = document.getElementById("kg-types");
  data.types.forEach(function (t) {
    legendItem(typeList, "kg-type-" + t.type, swatch(t.shape, t.color, t.dashed), t.legend, t.count,
      function (on) { typeOn[t.type] = on; });
  });
  var relationList = document.getElementById("kg-relations");
  data.relations.forEach(function (r) {
    legendItem(relationList, "kg-relation-" + r.relation, swatch("line", r.color, r.dashed), r.legend, r.count,
      function (on) { relationOn[r.relation] = on; });
  });

  // search: the entities whose name or alias contains the text, and their neighbours
  var search = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  var pending = null;
  function applySearch() {
    var q = search.value.trim().toLowerCase();
    if (!q) {
      matched = null;
      status.textContent = "";
    } else {
      matched = data.nodes.filter(function (n) { return searchText[n.id].indexOf(q) >= 0; })
        .map(function (n) { return n.id; });
      status.textContent = matched.length === 1 ? "1 match" : matched.length + " matches";
    }
    refresh();
    if (matched !== null && matched.length) {
      var visible = matched.filter(function (id) { return shown.has(id); });
      network.selectNodes(visible);
      network.fit({ nodes: visible, animation: false });
      if (visible.length === 1) { showDetails(visible[0]); }
    } else {
      network.unselectAll();
      network.fit({ animation: false });
    }
  }
  search.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(applySearch, 150);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { clearTimeout(pending); applySearch(); }
  });
  document.getElementById("kg-reset").addEventListener("click", function () {
    search.value = "";
    Object.keys(typeOn).forEach(function (t) { typeOn[t] = true; });
    Object.keys(relationOn).forEach(function (r) { relationOn[r] = true; });
    document.querySelectorAll("#kg-legend input[type=checkbox]").forEach(function (box) { box.checked = true; });
    applySearch();
  });

  // details: the node's facts as text; http(s) sources become links, nothing else does
  var details = document.getElementById("kg-details");
  var detailsText = document.getElementById("kg-details-text");
  var URL_PATTERN = /(https?:\/\/[^\s,]+)/;
  function showDetails(id) {
    var node = nodes.get(id);
    if (!node) { return; }
    detailsText.replaceChildren();
    node.title.split("\n").forEach(function (line, i) {
      var div = document.createElement("div");
      if (i === 0) { div.className = "kg-first"; }
      // the second line is the entity's own IRI, which names it rather than pointing at a page
      (i === 1 ? [line] : line.split(URL_PATTERN)).forEach(function (part, j) {
        if (j % 2 === 1) {
          var a = document.createElement("a");
          a.href = part;
          a.textContent = part;
          a.rel = "noopener noreferrer";
          a.target = "_blank";
          div.appendChild(a);
        } else if (part) {
          div.appendChild(document.createTextNode(part));
        }
      });
      detailsText.appendChild(div);
    });
    details.hidden = false;
  }
  network.on("selectNode", function (params) { showDetails(params.nodes[0]); });
  document.getElementById("kg-details-close").addEventListener("click", function () { details.hidden = true; });

  // for tests and the benchmark: the live network and its views
  window.kgPage = { network: network, nodeView: nodeView, edgeView: edgeView };
}());
