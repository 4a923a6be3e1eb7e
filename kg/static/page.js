// The battery-kg network page: an industry map drawn with vis-network, explored through time in the browser.
// State (year, layers, focus, depth, layout) lives in the URL fragment, so a link opens the same view.
// Text from the graph only ever goes into textContent or the canvas, never into markup.
(function () {
  "use strict";
  // performance marks for bench/viz.py: script start, data parsed, network built, first drawing
  performance.mark("kg:start");
  const D = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg:data");

  const N = D.nodes.length;
  const E = D.links.length;
  const relationInfo = {};
  D.relations.forEach(function (r) { relationInfo[r.relation] = r; });
  // kg.viz leaves out what is empty or what a relation's style already says: filled in here
  const meta = D.nodeMeta.map(function (m) {
    return {
      layer: m.layer, from: m.from === undefined ? null : m.from, until: m.until === undefined ? null : m.until,
      names: m.names || [], status: m.status || [], aliases: m.aliases || [], facts: m.facts || [],
      notes: m.notes || [], history: m.history || []
    };
  });
  const emeta = D.links.map(function (l) { return { periods: l.p || null, sources: l.s || [] }; });
  D.edges = D.links.map(function (l, k) {
    const style = relationInfo[l.r];
    const edge = {
      id: k, from: D.nodes[l.f].id, to: D.nodes[l.t].id, relation: l.r, label: l.l === undefined ? style.forward : l.l,
      color: style.color, arrows: style.arrow ? "to" : "", dashes: l.d === undefined ? style.dashed : l.d,
      width: l.w === undefined ? 1 : l.w
    };
    if (l.ti !== undefined) { edge.title = l.ti; }
    return edge;
  });
  const index = new Map();
  D.nodes.forEach(function (n, i) { index.set(n.id, i); });
  const home = D.nodes.map(function (n) { return { x: n.x, y: n.y }; });
  const baseLabel = D.nodes.map(function (n) { return n.label; });
  const hub = new Set(D.hubTypes);
  const isHub = D.nodes.map(function (n) { return hub.has(n.group); });
  const typeLegend = {};
  D.types.forEach(function (t) { typeLegend[t.type] = t.legend; });
  const edgeFrom = new Int32Array(E);
  const edgeTo = new Int32Array(E);
  const incident = D.nodes.map(function () { return []; });
  D.links.forEach(function (l, k) {
    edgeFrom[k] = l.f;
    edgeTo[k] = l.t;
    incident[edgeFrom[k]].push(k);
    if (edgeTo[k] !== edgeFrom[k]) { incident[edgeTo[k]].push(k); }
  });
  const GONE = { Cancelled: true, Closed: true };
  const BUILDING = { Announced: true, UnderConstruction: true, Paused: true };

  const state = {
    year: D.start,
    layers: new Set(D.layers.filter(function (l) { return l.on; }).map(function (l) { return l.layer; })),
    layout: D.layout === "hierarchy" ? "hierarchy" : "force",
    focus: D.focus,
    depth: D.depth,
    expanded: new Map(),  // node id -> the ids its expansion added
    pinned: new Set()     // found by search while hidden: shown until "Show all"
  };
  const relationOn = {};
  D.relations.forEach(function (r) { relationOn[r.relation] = true; });
  readHash();

  // ---- time ----
  function within(from, until, year) {
    return year === null || ((from === null || from <= year) && (until === null || year < until));
  }
  function statusAt(i, year) {
    const periods = meta[i].status;
    if (!periods.length) { return null; }
    let found = "";
    periods.forEach(function (p) { if (within(p[0], p[1], year)) { found = p[2]; } });
    return found;
  }
  function alive(i, year) {
    const m = meta[i];
    if (m.status.length) {
      const status = statusAt(i, year);
      return status !== "" && !GONE[status];
    }
    return within(m.from, m.until, year);
  }
  function period(k, year) {  // the stake (or dated link) that holds in year, or null
    const periods = emeta[k].periods;
    if (!periods) { return undefined; }
    let found = null;
    periods.forEach(function (p) { if (within(p[0], p[1], year)) { found = p; } });
    return found;
  }
  function edgeAlive(k, year) { return period(k, year) !== null; }
  function controlling(p) { return !!p && (p[3] === "parent" || (p[2] || 0) > 50); }

  // ---- what is shown ----
  const shownNode = new Uint8Array(N);
  let pathNodes = [];
  let pathEdges = [];
  function linkUsable(k, year) {
    return relationOn[D.edges[k].relation] && edgeAlive(k, year);
  }
  function neighbourhood(center, depth, year) {
    // breadth-first over links that hold in year; countries, regions, concepts and documents are reached
    // but not passed through, so depth 2 from a company does not reach every company in its country
    const seen = new Map([[center, 0]]);
    let frontier = [center];
    for (let d = 0; d < depth; d++) {
      const next = [];
      frontier.forEach(function (i) {
        if (i !== center && isHub[i]) { return; }
        incident[i].forEach(function (k) {
          if (!linkUsable(k, year)) { return; }
          const other = edgeFrom[k] === i ? edgeTo[k] : edgeFrom[k];
          if (!seen.has(other) && alive(other, year)) { seen.set(other, d + 1); next.push(other); }
        });
      });
      frontier = next;
    }
    return seen;
  }
  function pathToTop(i, year) {
    // the focus and its controlling owners up to the top of its group, as they stood in year
    const up = [i];
    const links = [];
    const seen = new Set([i]);
    for (let q = 0; q < up.length; q++) {
      incident[up[q]].forEach(function (k) {
        if (edgeTo[k] !== up[q] || D.edges[k].relation !== "owns") { return; }
        if (!controlling(period(k, year))) { return; }
        links.push(k);
        if (!seen.has(edgeFrom[k])) { seen.add(edgeFrom[k]); up.push(edgeFrom[k]); }
      });
    }
    return { nodes: up, edges: links };
  }
  function computeShown() {
    const year = state.year;
    shownNode.fill(0);
    const focus = state.focus !== null && index.has(state.focus) ? index.get(state.focus) : null;
    if (focus !== null && state.depth !== null) {
      neighbourhood(focus, state.depth, year).forEach(function (_, i) {
        if (state.layers.has(meta[i].layer) || i === focus) { shownNode[i] = 1; }
      });
    } else {
      for (let i = 0; i < N; i++) {
        if (state.layers.has(meta[i].layer) && alive(i, year)) { shownNode[i] = 1; }
      }
    }
    state.expanded.forEach(function (added) {
      added.forEach(function (id) { if (index.has(id)) { shownNode[index.get(id)] = 1; } });
    });
    state.expanded.forEach(function (_, id) { if (index.has(id)) { shownNode[index.get(id)] = 1; } });
    state.pinned.forEach(function (id) { shownNode[index.get(id)] = 1; });
    pathNodes = [];
    pathEdges = [];
    if (focus !== null) {
      const path = pathToTop(focus, year);
      path.nodes.forEach(function (i) { shownNode[i] = 1; });
      pathNodes = path.nodes.map(function (i) { return D.nodes[i].id; });
      pathEdges = path.edges;
    }
  }

  // ---- year-dependent looks: former names, stake shares and control, plants being built ----
  const looks = new Map();  // id -> the key of the look last applied
  function timeLooks(year) {
    const nodeUpdates = [];
    const edgeUpdates = [];
    for (let i = 0; i < N; i++) {
      const m = meta[i];
      if (!m.names.length && !m.status.length) { continue; }
      let label = baseLabel[i];
      for (let r = m.names.length - 1; r >= 0; r--) {
        if (year !== null && year < m.names[r][0]) { label = m.names[r][1]; }
      }
      const building = m.status.length ? !!BUILDING[statusAt(i, year)] : false;
      const key = label + "|" + building;
      const id = D.nodes[i].id;
      if (looks.get("n" + id) === key) { continue; }
      if (looks.has("n" + id) || key !== baseLabel[i] + "|false") {
        nodeUpdates.push({ id: id, label: label, shapeProperties: { borderDashes: building ? [4, 3] : false },
          opacity: building ? 0.55 : 1 });
      }
      looks.set("n" + id, key);
    }
    for (let k = 0; k < E; k++) {
      if (D.edges[k].relation !== "owns" || !emeta[k].periods) { continue; }
      const stake = function (y) { return period(k, y) || emeta[k].periods[emeta[k].periods.length - 1]; };
      const p = stake(year);
      const key = String(p[2]) + "|" + p[3];
      if (!looks.has("e" + k)) {  // as kg.viz drew it: the stake of the page's start year
        const first = stake(D.start);
        looks.set("e" + k, String(first[2]) + "|" + first[3]);
      }
      if (looks.get("e" + k) === key) { continue; }
      const edge = D.edges[k];  // links not in the network yet are added from these objects
      edge.label = "owns" + (p[2] === null ? "" : " " + p[2] + " %");
      edge.width = controlling(p) ? 3 : 1.5;
      edge.dashes = !controlling(p);
      if (candidate[k]) { edgeUpdates.push({ id: k, label: edge.label, width: edge.width, dashes: edge.dashes }); }
      looks.set("e" + k, key);
    }
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
  }
  // the links that could be shown, both ends on a layer that is on (or shown anyway): the edge view
  // filters only these on each year step, not the tens of thousands of links to countries and concepts
  const candidate = new Uint8Array(E);
  let candidateKey = null;
  function syncCandidates(edgeSet) {
    const open = new Uint8Array(N);
    for (let i = 0; i < N; i++) { if (state.layers.has(meta[i].layer)) { open[i] = 1; } }
    const extra = [state.focus].concat([...state.pinned], [...state.expanded.keys()]);
    state.expanded.forEach(function (added) { extra.push.apply(extra, added); });
    extra.forEach(function (id) { if (id !== null && index.has(id)) { open[index.get(id)] = 1; } });
    pathNodes.forEach(function (id) { open[index.get(id)] = 1; });
    const key = [...state.layers].sort().join() + "|" + extra.join("|") + "|" + pathNodes.join("|");
    if (key === candidateKey) { return; }
    candidateKey = key;
    const add = [];
    const remove = [];
    for (let k = 0; k < E; k++) {
      const want = open[edgeFrom[k]] && open[edgeTo[k]] ? 1 : 0;
      if (want && !candidate[k]) { add.push(D.edges[k]); } else if (!want && candidate[k]) { remove.push(k); }
      candidate[k] = want;
    }
    if (remove.length) { edgeSet.remove(remove); }
    if (add.length) { edgeSet.add(add); }
  }

  // ---- the network ----
  const nodes = new vis.DataSet(D.nodes);
  const edges = new vis.DataSet();
  // filter before the views exist: a view filters once when made, and a network given empty views
  // and then filled through change events costs several times a network given full ones
  computeShown();
  syncCandidates(edges);
  timeLooks(state.year);
  const nodeView = new vis.DataView(nodes, { filter: function (n) { return shownNode[index.get(n.id)] === 1; } });
  const edgeView = new vis.DataView(edges, {
    filter: function (e) {
      return shownNode[edgeFrom[e.id]] === 1 && shownNode[edgeTo[e.id]] === 1 && linkUsable(e.id, state.year);
    }
  });
  const container = document.getElementById("kg-network");
  const options = Object.assign({}, D.options);
  options.nodes = Object.assign({ borderWidthSelected: 4 }, options.nodes);
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  // physics is off and nothing is clustered, so vis-network's physics and cluster bookkeeping after every
  // data change (two more walks over all nodes and edges) has nothing to keep: a year step skips them
  network.physics.updatePhysicsData = function () {};
  network.clustering._updateState = function () {};
  performance.mark("kg:network");

  // ---- layouts ----
  const GAP_X = 170;
  const GAP_Y = 150;
  function shownIndices() {
    const list = [];
    for (let i = 0; i < N; i++) { if (shownNode[i]) { list.push(i); } }
    return list;
  }
  function shownEdgeIndices() { return edgeView.getIds(); }
  const ATTACH_X = 95;   // a plant or an agreement of one organisation: a small grid under it
  const ATTACH_Y = 42;
  const ATTACH_COLUMNS = 4;
  function hierarchy(list) {
    // groups on top, what they control below, a joint venture between (and below) its partners;
    // an organisation's own plants and agreements in a small grid under it; each group's tree a block
    const inList = new Set(list);
    const parents = new Map();
    const children = new Map();
    const org = function (i) { return D.nodes[i].group === "company" || D.nodes[i].group === "parent-group"; };
    list.forEach(function (i) { parents.set(i, []); children.set(i, []); });
    shownEdgeIndices().forEach(function (k) {
      let up = edgeFrom[k];
      let down = edgeTo[k];
      if (D.edges[k].relation !== "owns") {
        // hubs (countries, concepts) hang under nothing: they sit in their own rows below the trees
        if (isHub[up] || isHub[down] || org(up) === org(down)) { return; }
        if (!org(up)) { const t = up; up = down; down = t; }
      }
      if (!inList.has(up) || !inList.has(down) || up === down) { return; }
      parents.get(down).push(up);
      children.get(up).push(down);
    });
    // organisation -> its plants and agreements: an agreement between several goes with its first party,
    // so that agreements do not tie every group into one flat tree
    const attached = new Map();
    const isAttached = new Set();
    list.forEach(function (i) {
      if (org(i) || !parents.get(i).length || children.get(i).length) { return; }
      const p = parents.get(i)[0];
      (attached.get(p) || attached.set(p, []).get(p)).push(i);
      isAttached.add(i);
    });
    const tree = list.filter(function (i) { return !isAttached.has(i); });
    const kids = function (i) { return children.get(i).filter(function (c) { return !isAttached.has(c); }); };
    const width = function (i) {
      const n = (attached.get(i) || []).length;
      return Math.max(GAP_X, Math.min(n, ATTACH_COLUMNS) * ATTACH_X + 30);
    };
    const depthBelow = function (i) {
      const n = (attached.get(i) || []).length;
      return n ? Math.ceil(n / ATTACH_COLUMNS) * ATTACH_Y + 40 : 0;
    };
    // longest-path levels, with a cap so a cycle of stakes cannot loop
    const level = new Map();
    tree.forEach(function (i) { level.set(i, 0); });
    for (let pass = 0; pass < 12; pass++) {
      let changed = false;
      tree.forEach(function (i) {
        parents.get(i).forEach(function (p) {
          if (level.get(p) + 1 > level.get(i) && level.get(p) < 40) { level.set(i, level.get(p) + 1); changed = true; }
        });
      });
      if (!changed) { break; }
    }
    // blocks: the connected pieces of the parent links
    const block = new Map();
    const blocks = [];
    tree.forEach(function (first) {
      if (block.has(first)) { return; }
      const members = [first];
      block.set(first, blocks.length);
      for (let q = 0; q < members.length; q++) {
        parents.get(members[q]).concat(kids(members[q])).forEach(function (o) {
          if (!block.has(o)) { block.set(o, blocks.length); members.push(o); }
        });
      }
      blocks.push(members);
    });
    const placed = new Map();
    const boxes = blocks.map(function (members) {
      const rows = [];
      members.forEach(function (i) { (rows[level.get(i)] = rows[level.get(i)] || []).push(i); });
      const x = new Map();
      const order = new Map();
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r] = rows[r] || [];
        if (r === 0) {
          row.sort(function (a, b) { return kids(b).length - kids(a).length || a - b; });
        } else {
          const mean = function (i) {
            const ps = parents.get(i).filter(function (p) { return order.has(p); });
            return ps.length ? ps.reduce(function (sum, p) { return sum + order.get(p); }, 0) / ps.length : 1e9;
          };
          row.sort(function (a, b) { return mean(a) - mean(b) || a - b; });
        }
        let at = 0;
        row.forEach(function (i, n) { order.set(i, n); at += width(i) / 2; x.set(i, at); at += width(i) / 2; });
      }
      const place = function (row, wanted) {
        // in order, as near their wanted x as they can be without overlapping: runs of nodes that
        // would overlap move together, centred on where their members want to be
        const runs = [];
        row.forEach(function (i) {
          let run = { items: [i], width: width(i), sum: wanted(i) - width(i) / 2 };
          run.left = run.sum;
          while (runs.length && runs[runs.length - 1].left + runs[runs.length - 1].width > run.left) {
            const before = runs.pop();
            // each later item's wanted left edge, less the widths now in front of it
            run.sum = before.sum + run.sum - before.width * run.items.length;
            run.items = before.items.concat(run.items);
            run.width += before.width;
            run.left = run.sum / run.items.length;
          }
          runs.push(run);
        });
        runs.forEach(function (run) {
          let at = run.left;
          run.items.forEach(function (i) { x.set(i, at + width(i) / 2); at += width(i); });
        });
      };
      const mean = function (others, fallback) {
        return others.length ? others.reduce(function (sum, o) { return sum + x.get(o); }, 0) / others.length : fallback;
      };
      for (let sweep = 0; sweep < 4; sweep++) {
        for (let r = rows.length - 2; r >= 0; r--) {
          place(rows[r], function (i) { return mean(kids(i), x.get(i)); });
        }
        for (let r = 1; r < rows.length; r++) {
          place(rows[r], function (i) { return mean(parents.get(i), x.get(i)); });
        }
      }
      const top = [0];  // each level as deep as its deepest grid of plants and agreements
      rows.forEach(function (row, r) {
        top.push(top[r] + GAP_Y + Math.max(0, ...row.map(depthBelow)));
      });
      let minX = Infinity;
      let maxX = -Infinity;
      members.forEach(function (i) {
        minX = Math.min(minX, x.get(i) - width(i) / 2);
        maxX = Math.max(maxX, x.get(i) + width(i) / 2);
      });
      return { members: members, x: x, top: top, minX: minX, width: maxX - minX, height: top[rows.length] };
    });
    // pack the blocks in rows, biggest first, about as wide as the whole is tall
    boxes.sort(function (a, b) { return b.members.length - a.members.length || a.members[0] - b.members[0]; });
    const area = boxes.reduce(function (sum, b) { return sum + b.width * b.height; }, 0);
    const rowWidth = Math.max(boxes.length ? boxes[0].width : 0, Math.sqrt(area) * 1.6);
    let cursorX = 0;
    let cursorY = 0;
    let rowHeight = 0;
    boxes.forEach(function (b) {
      if (cursorX > 0 && cursorX + b.width > rowWidth) { cursorX = 0; cursorY += rowHeight + GAP_Y / 2; rowHeight = 0; }
      b.members.forEach(function (i) {
        const at = { x: cursorX + b.x.get(i) - b.minX, y: cursorY + b.top[level.get(i)] };
        placed.set(i, at);
        const own = attached.get(i) || [];
        const columns = Math.min(own.length, ATTACH_COLUMNS);
        own.forEach(function (a, n) {
          placed.set(a, {
            x: at.x + ((n % columns) - (columns - 1) / 2) * ATTACH_X,
            y: at.y + 80 + Math.floor(n / columns) * ATTACH_Y
          });
        });
      });
      cursorX += b.width;
      rowHeight = Math.max(rowHeight, b.height);
    });
    // the view opens on the trees, which come first; organisations on their own wait further down
    const trees = boxes.filter(function (b) { return b.members.length > 1; });
    if (trees.length && trees.length < boxes.length) {
      placed.fitTo = [].concat.apply([], trees.map(function (b) { return b.members; }))
        .map(function (i) { return D.nodes[i].id; });
    }
    return placed;
  }
  function relax(list, start, iterations) {
    // a few Fruchterman-Reingold steps from where the nodes are, with a pull to the centre,
    // so what a filter leaves closes up while keeping its shape; all pairs repel, so only for small views
    const n = list.length;
    const at = new Map();
    list.forEach(function (i, j) { at.set(i, j); });
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    list.forEach(function (i, j) { x[j] = start.get(i).x; y[j] = start.get(i).y; });
    const links = [];
    shownEdgeIndices().forEach(function (k) {
      const a = at.get(edgeFrom[k]);
      const b = at.get(edgeTo[k]);
      if (a !== undefined && b !== undefined && a !== b) { links.push(a, b); }
    });
    const k2 = 90 * 90;  // the link length kg.viz lays the map out with
    let cx = 0;
    let cy = 0;
    for (let j = 0; j < n; j++) { cx += x[j] / n; cy += y[j] / n; }
    const fx = new Float64Array(n);
    const fy = new Float64Array(n);
    for (let it = 0; it < iterations; it++) {
      const temperature = 30 * (1 - it / iterations) + 1;
      fx.fill(0);
      fy.fill(0);
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          let dx = x[a] - x[b];
          let dy = y[a] - y[b];
          let d2 = dx * dx + dy * dy;
          if (d2 < 1) { dx = (a % 7) - 3 + 0.5; dy = (b % 5) - 2 + 0.5; d2 = dx * dx + dy * dy; }
          if (d2 > 9 * k2) { continue; }  // far apart: leave them be, so the shape holds
          const push = k2 / d2;
          fx[a] += dx * push; fy[a] += dy * push;
          fx[b] -= dx * push; fy[b] -= dy * push;
        }
      }
      for (let l = 0; l < links.length; l += 2) {
        const a = links[l];
        const b = links[l + 1];
        const dx = x[a] - x[b];
        const dy = y[a] - y[b];
        const d = Math.sqrt(dx * dx + dy * dy) + 0.01;
        const pull = d / 90;
        fx[a] -= dx * pull; fy[a] -= dy * pull;
        fx[b] += dx * pull; fy[b] += dy * pull;
      }
      for (let j = 0; j < n; j++) {
        fx[j] -= (x[j] - cx) * 0.01;
        fy[j] -= (y[j] - cy) * 0.01;
        const length = Math.sqrt(fx[j] * fx[j] + fy[j] * fy[j]);
        if (length > 0) {
          const step = Math.min(length, temperature) / length;
          x[j] += fx[j] * step;
          y[j] += fy[j] * step;
        }
      }
    }
    const result = new Map();
    list.forEach(function (i, j) { result.set(i, { x: x[j], y: y[j] }); });
    return result;
  }
  const RELAX_LIMIT = 900;  // all-pairs steps above this would take longer than the eye waits
  let animation = null;
  function currentPositions(list, seeds) {
    const start = new Map();
    list.forEach(function (i) {
      const body = network.body.nodes[D.nodes[i].id];
      start.set(i, seeds.get(i) || (body ? { x: body.x, y: body.y } : home[i]));
    });
    return start;
  }
  function relayout(options) {
    // re-arrange what is shown: the ownership tree, or the network closed up around what stayed
    const list = shownIndices();
    const seeds = (options && options.seeds) || new Map();
    const start = currentPositions(list, seeds);
    let target;
    if (state.layout === "hierarchy") {
      target = hierarchy(list);
    } else if (list.length <= RELAX_LIMIT && list.length > 1) {
      target = relax(list, start, 50);
    } else {
      target = new Map();
      list.forEach(function (i) { target.set(i, start.get(i)); });
    }
    const restricted = state.focus !== null && state.depth !== null;  // a neighbourhood: all of it in view
    const fit = options && options.fit ? (restricted ? true : target.fitTo || true) : false;
    move(list, start, target, !(options && options.instant), fit);
  }
  function fitView(ids) {
    network.redraw();  // makes vis-network measure its canvas again, which the details panel may have narrowed
    network.fit(Array.isArray(ids) ? { nodes: ids, animation: false } : { animation: false });
  }
  function move(list, start, target, animated, fit) {
    if (animation) { cancelAnimationFrame(animation); animation = null; }
    const bodies = network.body.nodes;
    const set = function (t) {
      list.forEach(function (i) {
        const body = bodies[D.nodes[i].id];
        if (!body) { return; }
        const a = start.get(i);
        const b = target.get(i);
        body.x = a.x + (b.x - a.x) * t;
        body.y = a.y + (b.y - a.y) * t;
      });
    };
    const finish = function () {
      set(1);
      if (fit) { fitView(fit); }
      network.redraw();
    };
    if (!animated || list.length > 3000) { finish(); return; }
    const began = performance.now();
    const frame = function (now) {
      const t = Math.min(1, (now - began) / 350);
      if (t >= 1) { animation = null; finish(); return; }
      set(1 - Math.pow(1 - t, 3));
      network.redraw();
      animation = requestAnimationFrame(frame);
    };
    animation = requestAnimationFrame(frame);
  }

  // ---- refreshing after any change ----
  const count = document.getElementById("kg-count");
  let batching = 0;
  let held = null;
  function batch(change) {
    // after every change to its data vis-network walks all its nodes and edges several times and, physics
    // off, redraws the whole canvas; a year step changes nodes, links and looks, so the walks are held
    // back until the step is done and run once, and the canvas is drawn once
    const emitter = network.body.emitter;
    if (batching++ === 0) {
      const emit = emitter.emit;
      held = { changed: false, updated: false, emit: emit, own: Object.prototype.hasOwnProperty.call(emitter, "emit") };
      emitter.emit("_blockRedraw");
      emitter.emit = function (name) {
        if (name === "_dataChanged") { held.changed = true; return emitter; }
        if (name === "_dataUpdated") { held.updated = true; return emitter; }
        return emit.apply(emitter, arguments);
      };
    }
    try {
      change();
    } finally {
      if (--batching === 0) {
        if (held.own) { emitter.emit = held.emit; } else { delete emitter.emit; }
        if (held.changed) { emitter.emit("_dataChanged"); } else if (held.updated) { emitter.emit("_dataUpdated"); }
        emitter.emit("_allowRedraw");
        emitter.emit("_requestRedraw");  // the next frame; network.redraw() would also measure the canvas again
      }
    }
  }
  function refresh() {
    batch(function () {
      computeShown();
      nodeView.refresh();
      // after the nodes: a link that reaches the network before its ends would never be drawn right
      syncCandidates(edges);
      edgeView.refresh();
      highlight();
      showCounts();
      writeHash();
    });
  }
  function highlight() {
    const ids = pathNodes.filter(function (id) { return network.body.nodes[id]; });
    const links = pathEdges.filter(function (k) { return network.body.edges[k]; });
    network.setSelection({ nodes: ids, edges: links }, { unselectAll: true, highlightEdges: false });
  }
  const typeCounts = {};
  const relationCounts = {};
  function showCounts() {
    const shownEdges = edgeView.getIds();
    count.dataset.nodes = String(nodeView.length);
    count.dataset.edges = String(shownEdges.length);
    count.textContent = "Showing " + nodeView.length + " of " + N + " entities, " +
      shownEdges.length + " of " + E + " links";
    const types = {};
    for (let i = 0; i < N; i++) { if (shownNode[i]) { types[D.nodes[i].group] = (types[D.nodes[i].group] || 0) + 1; } }
    Object.keys(typeCounts).forEach(function (t) { typeCounts[t].textContent = (types[t] || 0) + " / " + typeCounts[t].dataset.total; });
    const relations = {};
    shownEdges.forEach(function (k) { relations[D.edges[k].relation] = (relations[D.edges[k].relation] || 0) + 1; });
    Object.keys(relationCounts).forEach(function (r) {
      relationCounts[r].textContent = (relations[r] || 0) + " / " + relationCounts[r].dataset.total;
    });
  }

  // ---- legend: layers with their entity types, and links ----
  const SVG = "http://www.w3.org/2000/svg";
  function swatch(shape, color, dashed) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "-8 -8 16 16");
    let el;
    const points = {
      diamond: "0,-7 7,0 0,7 -7,0",
      triangle: "0,-7 7,6 -7,6",
      triangleDown: "0,7 7,-6 -7,-6",
      hexagon: "7,0 3.5,6 -3.5,6 -7,0 -3.5,-6 3.5,-6",
      star: "0,-7 1.8,-2.4 6.7,-2.2 2.9,0.9 4.1,5.7 0,3 -4.1,5.7 -2.9,0.9 -6.7,-2.2 -1.8,-2.4"
    };
    if (shape === "line") {
      el = document.createElementNS(SVG, "line");
      el.setAttribute("x1", "-8"); el.setAttribute("y1", "0"); el.setAttribute("x2", "8"); el.setAttribute("y2", "0");
      el.setAttribute("stroke", color);
      el.setAttribute("stroke-width", "2.5");
      if (dashed) { el.setAttribute("stroke-dasharray", "3 2"); }
    } else {
      if (shape === "square" || shape === "box") {
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
  function checkbox(id, checked, onChange) {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.id = id;
    box.addEventListener("change", function () { onChange(box.checked); });
    return box;
  }
  function countSpan(total) {
    const span = document.createElement("span");
    span.className = "kg-count";
    span.dataset.total = String(total);
    return span;
  }
  const layerBoxes = {};
  const layerList = document.getElementById("kg-layers");
  D.layers.forEach(function (layer) {
    const types = D.types.filter(function (t) { return t.layer === layer.layer; });
    if (!types.length) { return; }
    const div = document.createElement("div");
    div.className = "kg-layer";
    const label = document.createElement("label");
    const box = checkbox("kg-layer-" + layer.layer, state.layers.has(layer.layer), function (on) {
      if (on) { state.layers.add(layer.layer); } else { state.layers.delete(layer.layer); }
      refresh();
      relayout({ fit: true });
    });
    layerBoxes[layer.layer] = box;
    const name = document.createElement("span");
    name.textContent = layer.legend;
    label.append(box, name);
    const ul = document.createElement("ul");
    types.forEach(function (t) {
      const li = document.createElement("li");
      li.id = "kg-type-" + t.type;
      const text = document.createElement("span");
      text.textContent = t.legend;
      typeCounts[t.type] = countSpan(t.count);
      li.append(swatch(t.shape, t.color, t.dashed), text, typeCounts[t.type]);
      ul.appendChild(li);
    });
    div.append(label, ul);
    layerList.appendChild(div);
  });
  const relationList = document.getElementById("kg-relations");
  D.relations.forEach(function (r) {
    const li = document.createElement("li");
    const label = document.createElement("label");
    const box = checkbox("kg-relation-" + r.relation, true, function (on) {
      relationOn[r.relation] = on;
      refresh();
    });
    const text = document.createElement("span");
    text.textContent = r.legend;
    relationCounts[r.relation] = countSpan(r.count);
    label.append(box, swatch("line", r.color, r.dashed), text, relationCounts[r.relation]);
    li.appendChild(label);
    relationList.appendChild(li);
  });

  // ---- the year slider ----
  const slider = document.getElementById("kg-year");
  const yearLabel = document.getElementById("kg-year-label");
  const play = document.getElementById("kg-play");
  let playing = null;
  if (D.years.length) {
    slider.min = String(D.years[0]);
    slider.max = String(D.years[1]);
    slider.value = String(state.year);
    yearLabel.textContent = String(state.year);
  } else {
    document.getElementById("kg-time").hidden = true;
  }
  function setYear(year) {
    state.year = year;
    slider.value = String(year);
    yearLabel.textContent = String(year);
    batch(function () {
      timeLooks(year);
      refresh();
    });
    if (state.layout === "hierarchy" || (state.focus !== null && state.depth !== null)) { relayout(); }
    if (!details.hidden && state.focus !== null) { showDetails(state.focus); }
  }
  slider.addEventListener("input", function () { setYear(Number(slider.value)); });
  function stop() {
    clearInterval(playing);
    playing = null;
    play.textContent = "▶";
    play.setAttribute("aria-label", "Play through the years");
  }
  play.addEventListener("click", function () {
    if (playing) { stop(); return; }
    if (state.year >= D.years[1]) { setYear(D.years[0]); }
    play.textContent = "❚❚";
    play.setAttribute("aria-label", "Pause");
    playing = setInterval(function () {
      if (state.year >= D.years[1]) { stop(); return; }
      setYear(state.year + 1);
    }, 700);
  });

  // ---- layout switch ----
  const layoutSelect = document.getElementById("kg-layout");
  layoutSelect.value = state.layout;
  layoutSelect.addEventListener("change", function () {
    state.layout = layoutSelect.value;
    writeHash();
    relayout({ fit: true });
  });

  // ---- focus, expand and collapse ----
  function setFocus(id, depth) {
    const restricting = state.depth !== null || (depth !== undefined && depth !== null);
    state.focus = id;
    if (depth !== undefined) { state.depth = depth; }
    refresh();
    if (id !== null) { showDetails(id); } else { details.hidden = true; }
    if (restricting) { relayout({ fit: true }); }
  }
  function toggleExpand(id) {
    const seeds = new Map();
    if (state.expanded.has(id)) {
      state.expanded.delete(id);
    } else {
      const i = index.get(id);
      const added = [];
      const body = network.body.nodes[id];
      const center = body ? { x: body.x, y: body.y } : home[i];
      incident[i].forEach(function (k) {
        const other = edgeFrom[k] === i ? edgeTo[k] : edgeFrom[k];
        if (shownNode[other] || !edgeAlive(k, state.year) || !alive(other, state.year)) { return; }
        const angle = added.length * 2.399963;
        seeds.set(other, { x: center.x + 120 * Math.cos(angle), y: center.y + 120 * Math.sin(angle) });
        added.push(D.nodes[other].id);
      });
      state.expanded.set(id, added);
    }
    refresh();
    relayout({ seeds: seeds });
    if (!details.hidden && state.focus === id) { showDetails(id); }
  }
  network.on("click", function (params) {
    if (params.nodes.length) { setFocus(params.nodes[0]); } else { highlight(); }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) { toggleExpand(params.nodes[0]); }
  });
  // edge labels: at close zoom (see the options), or on hover at any zoom
  network.on("hoverEdge", function (params) {
    edges.update({ id: params.edge, font: { size: Math.max(11, 14 / network.getScale()) } });
  });
  network.on("blurEdge", function (params) { edges.update({ id: params.edge, font: { size: 11 } }); });

  // ---- search: tokens and fuzzy matching, with the keyboard ----
  const search = document.getElementById("kg-search");
  const matchList = document.getElementById("kg-matches");
  const status = document.getElementById("kg-search-status");
  let names = null;  // built on first use: [compact, tokens] per name of each node
  function fold(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function tokens(text) { return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  function compact(text) { return tokens(text).join(""); }
  function bigrams(text) {
    const grams = new Set();
    for (let c = 0; c < text.length - 1; c++) { grams.add(text.slice(c, c + 2)); }
    return grams;
  }
  function nameScore(q, qTokens, qGrams, name) {
    const c = name[0];
    if (!c) { return 0; }
    if (c === q) { return 100; }
    if (c.startsWith(q)) { return 90; }
    if (c.includes(q)) { return 80; }
    if (qTokens.every(function (t) { return name[1].some(function (w) { return w.startsWith(t); }); })) { return 70; }
    if (q.length < 3) { return 0; }
    // letters in order with few gaps ("pnasonic"), then shared letter pairs ("panasnoic")
    let at = 0;
    let gaps = 0;
    for (let j = 0; j < c.length && at < q.length; j++) {
      if (c[j] === q[at]) { at++; } else if (at > 0) { gaps++; }
    }
    if (at === q.length && gaps <= q.length) { return 60 - gaps; }
    const grams = bigrams(c);
    let shared = 0;
    qGrams.forEach(function (g) { if (grams.has(g)) { shared++; } });
    const dice = (2 * shared) / (qGrams.size + grams.size);
    return dice >= 0.6 ? Math.round(50 * dice) : 0;
  }
  function findMatches(text) {
    const q = compact(text);
    if (!q) { return []; }
    if (names === null) {
      names = D.nodes.map(function (n, i) {
        return [n.label].concat(meta[i].aliases, meta[i].names.map(function (r) { return r[1]; }))
          .map(function (name) { return [compact(name), tokens(name)]; });
      });
    }
    const qTokens = tokens(text);
    const qGrams = bigrams(q);
    const found = [];
    for (let i = 0; i < N; i++) {
      let best = 0;
      names[i].forEach(function (name) { best = Math.max(best, nameScore(q, qTokens, qGrams, name)); });
      if (best) { found.push([best, i]); }
    }
    found.sort(function (a, b) {
      return b[0] - a[0] || (isHub[a[1]] - isHub[b[1]]) || baseLabel[a[1]].length - baseLabel[b[1]].length ||
        a[1] - b[1];
    });
    return found.slice(0, 30).map(function (f) { return f[1]; });
  }
  let matches = [];
  let active = -1;
  function showMatches() {
    matchList.replaceChildren();
    matches.forEach(function (i, n) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "kg-match-" + n;
      li.setAttribute("aria-selected", n === active ? "true" : "false");
      const name = document.createElement("span");
      name.textContent = baseLabel[i];
      const kind = document.createElement("span");
      kind.className = "kg-kind";
      kind.textContent = typeLegend[D.nodes[i].group] || D.nodes[i].group;
      li.append(name, kind);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(n); });
      matchList.appendChild(li);
    });
    matchList.hidden = matches.length === 0;
    search.setAttribute("aria-expanded", matches.length ? "true" : "false");
    if (active >= 0) {
      search.setAttribute("aria-activedescendant", "kg-match-" + active);
      matchList.children[active].scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }
  function runSearch() {
    const text = search.value.trim();
    matches = text ? findMatches(text) : [];
    active = matches.length ? 0 : -1;
    status.textContent = text ? (matches.length === 1 ? "1 match" : matches.length + " matches") : "";
    showMatches();
  }
  function choose(n) {
    const i = matches[n];
    if (i === undefined) { return; }
    const id = D.nodes[i].id;
    matches = [];
    active = -1;
    showMatches();
    search.value = baseLabel[i];
    if (!shownNode[i]) { state.pinned.add(id); }
    setFocus(id);
    if (!network.body.nodes[id]) { return; }
    if (state.pinned.has(id)) { relayout({ instant: true }); }
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
  }
  let pending = null;
  search.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(runSearch, 120);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      clearTimeout(pending);
      if (!matches.length) { runSearch(); return; }
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length;
      showMatches();
    } else if (event.key === "Enter") {
      clearTimeout(pending);
      if (!matches.length) { runSearch(); }
      choose(active < 0 ? 0 : active);
    } else if (event.key === "Escape") {
      matches = [];
      active = -1;
      showMatches();
    }
  });
  search.addEventListener("blur", function () { matches = []; active = -1; showMatches(); });

  document.getElementById("kg-reset").addEventListener("click", function () {
    search.value = "";
    status.textContent = "";
    state.focus = null;
    state.depth = null;
    state.expanded.clear();
    state.pinned.clear();
    state.layers = new Set(D.layers.filter(function (l) { return l.on; }).map(function (l) { return l.layer; }));
    Object.keys(layerBoxes).forEach(function (l) { layerBoxes[l].checked = state.layers.has(l); });
    Object.keys(relationOn).forEach(function (r) { relationOn[r] = true; });
    document.querySelectorAll("#kg-relations input[type=checkbox]").forEach(function (box) { box.checked = true; });
    details.hidden = true;
    refresh();
    relayout({ fit: true });
  });

  // ---- the details panel: the story of one entity, every fact with its sources ----
  const details = document.getElementById("kg-details");
  const detailsText = document.getElementById("kg-details-text");
  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (className) { e.className = className; }
    return e;
  }
  function sourceLinks(numbers) {
    const span = el("span", null, "kg-src");
    numbers.forEach(function (s) {
      const url = D.sources.urls[s];
      const tier = D.sources.tiers[s];
      let link;
      if (/^https?:\/\//.test(url)) {
        link = el("a", hostOf(url));
        link.href = url;
        link.title = url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
      } else {
        link = el("span", url);  // not a web address: shown, never followed
      }
      span.append(" ", link);
      if (tier) { span.appendChild(el("span", tier, "kg-tier kg-tier-" + tier)); }
    });
    return span;
  }
  function hostOf(url) {
    const host = url.replace(/^https?:\/\//, "").split(/[/?#]/)[0];
    return host.replace(/^www\./, "");
  }
  function nodeLink(i) {
    const a = el("a", labelAt(i), "kg-node");
    a.addEventListener("click", function () {
      const id = D.nodes[i].id;
      if (!shownNode[i]) { state.pinned.add(id); }
      setFocus(id);
      if (state.pinned.has(id)) { relayout({ instant: true }); }
      if (network.body.nodes[id]) { network.focus(id, { animation: false }); }
    });
    return a;
  }
  function labelAt(i) {
    const node = nodes.get(D.nodes[i].id);
    return node ? node.label : baseLabel[i];
  }
  function section(title, items) {
    if (!items.length) { return; }
    detailsText.appendChild(el("h4", title));
    const ul = el("ul");
    items.forEach(function (li) { ul.appendChild(li); });
    detailsText.appendChild(ul);
  }
  function years(from, until, fromText, untilText) {
    const a = fromText || (from === null || from === undefined ? "?" : String(from));
    const b = untilText || (until === null || until === undefined ? "now" : String(until));
    return a + " – " + b;
  }
  function stakeItem(k, i, other) {
    const li = el("li");
    const p = period(k, state.year);
    li.append(nodeLink(other));
    (emeta[k].periods || []).forEach(function (q) {
      const line = el("div", years(q[0], q[1], q[4], q[5]) + ": " + (q[3] || "stake") +
        (q[2] === null ? "" : ", " + q[2] + " %"), "kg-sub");
      if (q === p) { line.className = "kg-now"; }
      line.appendChild(sourceLinks(q[6]));
      li.appendChild(line);
    });
    if (p) { li.className = "kg-now"; }
    return li;
  }
  function historyText(record) {
    const when = record.date || (record.year === null ? "" : String(record.year));
    const kind = record.kind.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    let text = (when ? when + ": " : "") + kind;
    if (record.value !== null && record.kind.indexOf("Renamed") === 0) { text += " (formerly " + record.value + ")"; }
    return text;
  }
  function showDetails(id) {
    const i = index.get(id);
    if (i === undefined) { return; }
    const m = meta[i];
    detailsText.replaceChildren();
    detailsText.appendChild(el("h3", labelAt(i)));
    const sub = [typeLegend[D.nodes[i].group] || D.nodes[i].group];
    if (m.from !== null) { sub.push("from " + m.from); }
    if (m.until !== null) { sub.push("until " + m.until); }
    if (m.status.length) { sub.push(String(statusAt(i, state.year) || "not yet announced").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() + " in " + state.year); }
    detailsText.appendChild(el("div", sub.join(" · "), "kg-sub"));
    detailsText.appendChild(el("div", id, "kg-sub"));
    if (m.aliases.length) { detailsText.appendChild(el("div", "also: " + m.aliases.join("; "), "kg-sub")); }
    const actions = el("div", null, "kg-actions");
    const expand = el("button", state.expanded.has(id) ? "Collapse neighbours" : "Expand neighbours");
    expand.type = "button";
    expand.id = "kg-expand";
    expand.addEventListener("click", function () { toggleExpand(id); });
    const only = el("button", state.depth === null ? "Only its neighbourhood" : "Whole map");
    only.type = "button";
    only.id = "kg-only";
    only.addEventListener("click", function () { setFocus(id, state.depth === null ? 2 : null); });
    actions.append(expand, only);
    detailsText.appendChild(actions);
    m.notes.forEach(function (note) { detailsText.appendChild(el("p", note)); });

    const owners = [];
    const holdings = [];
    const plants = [];
    const agreements = [];
    const others = [];
    incident[i].forEach(function (k) {
      const relation = D.edges[k].relation;
      const outgoing = edgeFrom[k] === i;
      const other = outgoing ? edgeTo[k] : edgeFrom[k];
      if (relation === "owns") {
        (outgoing ? holdings : owners).push(stakeItem(k, i, other));
        return;
      }
      const li = el("li");
      const info = relationInfo[relation];
      const group = D.nodes[other].group;
      if (group === "plant") {
        li.append(nodeLink(other));
        const st = statusAt(other, state.year);
        const capacity = meta[other].history.filter(function (r) {
          return r.kind === "capacity" && (r.year === null || r.year <= state.year);
        }).pop();
        const facts = [];
        if (st !== null) { facts.push(String(st || "not yet announced").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()); }
        if (capacity) { facts.push(capacity.value + " " + (capacity.unit === "GigaW-HR" ? "GWh" : (capacity.unit || "")) + " (" + (capacity.date || capacity.year) + ")"); }
        li.append(el("span", facts.length ? " — " + facts.join(", ") : "", "kg-sub"));
        if (capacity) { li.appendChild(sourceLinks(capacity.sources)); }
        li.appendChild(sourceLinks(emeta[k].sources));
        plants.push(li);
        return;
      }
      if (group === "agreement") {
        li.append(nodeLink(other));
        const am = meta[other];
        li.append(el("span", am.from === null ? "" : " (" + years(am.from, am.until) + ")", "kg-sub"));
        li.appendChild(sourceLinks(emeta[k].sources));
        agreements.push(li);
        return;
      }
      li.append(el("span", (info ? (outgoing ? info.forward : info.backward) : relation) + " "), nodeLink(other));
      li.appendChild(sourceLinks(emeta[k].sources));
      others.push(li);
    });
    section("Owners", owners);
    section("Holdings", holdings);
    section("Plants", plants);
    section("Agreements", agreements);
    const events = m.history.filter(function (r) { return r.kind !== "status" && r.kind !== "capacity"; });
    section("Events", events.map(function (r) {
      const li = el("li", historyText(r));
      if (r.other && index.has(r.other)) { li.append(" — ", nodeLink(index.get(r.other))); }
      if (r.note) { li.appendChild(el("div", r.note, "kg-sub")); }
      li.appendChild(sourceLinks(r.sources));
      return li;
    }));
    const statuses = m.history.filter(function (r) { return r.kind === "status" || r.kind === "capacity"; });
    section("Status and capacity", statuses.map(function (r) {
      const text = r.kind === "status"
        ? years(r.year, r.end_year, r.date) + ": " + String(r.value).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()
        : (r.date || r.year) + ": " + r.value + " " + (r.unit === "GigaW-HR" ? "GWh a year" : (r.unit || ""));
      const li = el("li", text);
      if (r.note) { li.appendChild(el("div", r.note, "kg-sub")); }
      li.appendChild(sourceLinks(r.sources));
      return li;
    }));
    section("Links", others);
    section("Facts", m.facts.map(function (f) {
      const li = el("li", f[0] + ": " + f[1]);
      li.appendChild(sourceLinks(f[2]));
      return li;
    }));
    details.hidden = false;
  }
  document.getElementById("kg-details-close").addEventListener("click", function () {
    details.hidden = true;
    setFocus(null, null);
  });

  // ---- the URL fragment: year, focus, depth, layers, layout ----
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.has("year") && D.years.length) {
      const year = Number(params.get("year"));
      if (Number.isInteger(year)) { state.year = Math.min(D.years[1], Math.max(D.years[0], year)); }
    }
    if (params.has("focus")) {
      const focus = params.get("focus");
      state.focus = index.has(focus) ? focus : null;
    }
    if (params.has("depth")) {
      const depth = Number(params.get("depth"));
      state.depth = Number.isInteger(depth) && depth >= 0 ? depth : null;
    }
    if (params.has("layers")) {
      state.layers = new Set(params.get("layers").split(",").filter(function (l) {
        return D.layers.some(function (known) { return known.layer === l; });
      }));
    }
    if (params.get("layout") === "hierarchy" || params.get("layout") === "force") { state.layout = params.get("layout"); }
  }
  let lastHash = null;
  let hashTimer = null;
  function writeHash() {
    // a moment later: replacing the history entry costs a year step more than all its filtering
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHashNow, 60);
  }
  function writeHashNow() {
    const params = new URLSearchParams();
    if (state.year !== null) { params.set("year", String(state.year)); }
    if (state.focus !== null) { params.set("focus", state.focus); }
    if (state.depth !== null && state.focus !== null) { params.set("depth", String(state.depth)); }
    params.set("layers", D.layers.filter(function (l) { return state.layers.has(l.layer); })
      .map(function (l) { return l.layer; }).join(","));
    params.set("layout", state.layout);
    lastHash = "#" + params.toString();
    if (location.hash !== lastHash) { history.replaceState(null, "", lastHash); }
  }
  window.addEventListener("hashchange", function () {
    if (location.hash === lastHash) { return; }
    readHash();
    Object.keys(layerBoxes).forEach(function (l) { layerBoxes[l].checked = state.layers.has(l); });
    layoutSelect.value = state.layout;
    setYear(state.year);
    if (state.focus !== null) { showDetails(state.focus); }
    relayout({ fit: true });
  });

  // served by `kg serve`: the query page is next door (opened from disk, there is none)
  if (location.protocol.startsWith("http")) { document.getElementById("kg-query-link").hidden = false; }

  // ---- first drawing ----
  showCounts();
  writeHash();
  highlight();
  // the panel first: opening it narrows the canvas, and vis-network rescales the view when that happens
  if (state.focus !== null) { showDetails(state.focus); }
  if (state.layout === "hierarchy" || (state.focus !== null && state.depth !== null)) {
    relayout({ instant: true, fit: true });
  } else {
    fitView();
  }
  network.once("afterDrawing", function () {
    performance.mark("kg:drawn");
    window.kgReady = performance.now();
    document.documentElement.dataset.ready = "true";
  });

  // for tests and the benchmark: the live network, its views and the state
  window.kgPage = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, state: state,
    setYear: setYear, setFocus: setFocus, toggleExpand: toggleExpand, findMatches: function (text) {
      return findMatches(text).map(function (i) { return D.nodes[i].id; });
    }
  };
}());
