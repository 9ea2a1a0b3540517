"use strict";
// Draws a candar result (the JSON in #candar-result) as tables and SVG line charts, with nothing fetched:
// the page must open from a CI artifact with no network. Every chart's plotted values are also written on its
// <path data-values="...">, so a test (and a curious reader) can check the page shows the run's own numbers.
(function () {
  const root = document.getElementById("report");
  const renderErrors = [];
  window.addEventListener("error", (e) => renderErrors.push(String(e.message)));

  const SVG = "http://www.w3.org/2000/svg";
  const palette = ["#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#1b7c83", "#fb8500",
                   "#57606a", "#6639ba", "#0550ae", "#953800"];

  // --- small DOM helpers -------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  const isNum = (v) => typeof v === "number" && Number.isFinite(v);
  const int = (n) => (isNum(n) ? Math.round(n).toLocaleString("en-US") : "–");
  function dec(n, digits) {
    if (!isNum(n)) return "–";
    return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  const ms = (v) => (isNum(v) ? (v < 10 ? dec(v, 2) : v < 100 ? dec(v, 1) : int(v)) + " ms" : "–");
  // A plotted value as written on data-values: three decimals at most, no exponent for the sizes charts hold.
  const plain = (v) => (isNum(v) ? String(Math.round(v * 1000) / 1000) : "");
  function table(headers, rows, numeric) {
    const head = el("tr", {}, headers.map((h, i) => el("th", { class: numeric && numeric[i] ? "num" : null }, h)));
    const body = rows.map((r) => el("tr", {}, r.map((c, i) => {
      if (c instanceof Node) return el("td", { class: numeric && numeric[i] ? "num" : null }, c);
      return el("td", { class: numeric && numeric[i] ? "num" : null }, c);
    })));
    return el("table", {}, el("thead", {}, head), el("tbody", {}, body));
  }
  function section(id, title, ...children) {
    return el("section", { id }, el("h2", {}, title), children);
  }

  // --- charts ------------------------------------------------------------------------------------------------
  function niceStep(range, count) {
    const raw = range / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
  }
  function tickText(v, step) {
    const digits = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
    return v.toLocaleString("en-US", { maximumFractionDigits: digits });
  }
  // Spans of consecutive samples in one phase, for the shaded bands behind a chart.
  function phaseSpans(samples) {
    const spans = [];
    let start = 0;
    for (const s of samples) {
      const from = s.t - (s.seconds || 0);
      const last = spans[spans.length - 1];
      if (last && last.phase === s.phase) last.to = s.t;
      else spans.push({ phase: s.phase, from: Math.max(start, from), to: s.t });
      start = s.t;
    }
    return spans;
  }

  // One line chart: xs (seconds), series [{name, values}] with null for "no value here" (a gap in the line).
  function lineChart(id, title, unit, xs, series, options) {
    options = options || {};
    const W = 860, H = 260, L = 64, R = 14, T = 12, B = 30;
    const figure = el("figure", { class: "chart", "data-chart": id });
    figure.append(el("figcaption", {}, title + (unit ? " (" + unit + ")" : "")));
    if (options.controls) figure.append(options.controls);
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
    const xMax = Math.max(1, ...xs.filter(isNum));
    const all = series.flatMap((s) => s.values.filter(isNum));
    let yMax = Math.max(0, ...all);
    yMax = yMax > 0 ? yMax * 1.05 : 1;
    const step = niceStep(yMax, 5);
    yMax = Math.ceil(yMax / step) * step;
    const x = (v) => L + (v / xMax) * (W - L - R);
    const y = (v) => T + (1 - v / yMax) * (H - T - B);
    for (const span of options.phases || []) {
      if (span.phase !== "load") continue;
      svg.append(svgEl("rect", { class: "phase", x: x(span.from), y: T, width: Math.max(0, x(span.to) - x(span.from)), height: H - T - B }));
      const label = svgEl("text", { class: "phase-label", x: x(span.from) + 4, y: T + 11 });
      label.textContent = "load";
      svg.append(label);
    }
    for (let v = 0; v <= yMax + step / 2; v += step) {
      svg.append(svgEl("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      const t = svgEl("text", { class: "axis-label", x: L - 6, y: y(v) + 4, "text-anchor": "end" });
      t.textContent = tickText(v, step);
      svg.append(t);
    }
    const xStep = niceStep(xMax, 10);
    for (let v = 0; v <= xMax + xStep / 2; v += xStep) {
      const t = svgEl("text", { class: "axis-label", x: x(v), y: H - B + 16, "text-anchor": "middle" });
      t.textContent = tickText(v, xStep) + " s";
      svg.append(t);
    }
    const paths = [];
    series.forEach((s, i) => {
      let d = "";
      let pen = false;
      s.values.forEach((v, k) => {
        if (!isNum(v) || !isNum(xs[k])) { pen = false; return; }
        d += (pen ? "L" : "M") + x(xs[k]).toFixed(1) + " " + y(v).toFixed(1);
        pen = true;
      });
      const color = s.color || palette[i % palette.length];
      // A lone point draws nothing as a line: a round cap on a zero-length segment shows it.
      const path = svgEl("path", { class: "series", d: d || "M0 0", stroke: color, "stroke-linecap": "round",
                                   "data-series": s.name, "data-values": s.values.map(plain).join(",") });
      if (!d) path.setAttribute("visibility", "hidden");
      svg.append(path);
      paths.push({ path, color, name: s.name });
    });
    // Hover columns: one per sample, its <title> listing every series' value there.
    xs.forEach((t, k) => {
      if (!isNum(t)) return;
      const left = k === 0 ? L : (x(xs[k - 1]) + x(t)) / 2;
      const right = k === xs.length - 1 ? W - R : (x(t) + x(xs[k + 1])) / 2;
      const col = svgEl("rect", { class: "hover", x: left, y: T, width: Math.max(0.5, right - left), height: H - T - B, fill: "transparent" });
      const tip = svgEl("title", {});
      tip.textContent = `${dec(t, 1)} s\n` + series.filter((s) => isNum(s.values[k]))
        .map((s) => `${s.name}: ${options.format ? options.format(s.values[k]) : dec(s.values[k], 2)}`).join("\n");
      col.append(tip);
      svg.append(col);
    });
    figure.append(svg);
    if (series.length > 1 || options.legend) {
      const legend = el("ul", { class: "legend" });
      for (const p of paths) {
        const item = el("li", { title: "show or hide" }, el("span", { class: "swatch", style: `background:${p.color}` }), p.name);
        item.addEventListener("click", () => {
          const off = item.classList.toggle("off");
          p.path.style.display = off ? "none" : "";
        });
        legend.append(item);
      }
      figure.append(legend);
    }
    return figure;
  }

  // --- the result's parts ------------------------------------------------------------------------------------
  const endpointLabels = (timeline) => {
    const labels = new Set();
    for (const s of timeline) for (const label of Object.keys(s.endpoints || {})) labels.add(label);
    return [...labels].sort();
  };
  const perSecond = (n, s) => (isNum(n) && s > 0 ? n / s : 0);

  function headline(r, title) {
    const verdict = r.verdict || (r.pass ? "pass" : "fail");
    const figures = el("div", { class: "headline" },
      el("div", { class: "figure" }, el("div", { class: "label" }, "verdict"),
         el("div", { class: "value" }, el("span", { class: "badge " + verdict, id: "verdict" }, verdict.toUpperCase()))),
      el("div", { class: "figure" }, el("div", { class: "label" }, r.repeat ? "median score" : "score"),
         el("div", { class: "value", id: "score" }, int(r.score))));
    if (isNum(r.exit_code)) {
      figures.append(el("div", { class: "figure" }, el("div", { class: "label" }, "exit code"), el("div", { class: "value" }, r.exit_code)));
    }
    const facts = [];
    if (r.target) facts.push("target " + r.target);
    if (r.implementation) facts.push(r.implementation);
    if (isNum(r.seed)) facts.push("seed " + r.seed);
    if (r.candar) facts.push("candar " + r.candar);
    if (r.interrupted) facts.push("interrupted");
    const out = [el("h1", {}, title), el("div", { class: "muted" }, facts.join(" · ")), figures];
    const reasons = [...(r.reasons || [])];
    if (r.invalid_reason) reasons.unshift("invalid: " + r.invalid_reason);
    if (r.internal_error && !reasons.some((x) => x.includes(r.internal_error))) reasons.push("internal error: " + r.internal_error);
    if (reasons.length) out.push(el("ul", { class: "reasons", id: "reasons" }, reasons.map((x) => el("li", {}, x))));
    return out;
  }

  function breakdownSection(r) {
    const rows = Object.entries(r.breakdown || {}).map(([tag, b]) => [tag, int(b.count), int(b.weight), int(b.points)]);
    const parts = [table(["tag", "count", "weight", "points"], rows, [false, true, true, true])];
    const deductions = Object.entries(r.deductions || {}).filter(([, v]) => v);
    parts.push(el("p", {}, `sum ${int(r.sum)} − deduction ${int(r.deduction)} = score ${int(r.score)}`));
    if (deductions.length) parts.push(table(["deduction", "points"], deductions.map(([k, v]) => [k, int(v)]), [false, true]));
    return section("breakdown", "Score breakdown", parts);
  }

  function timelineSection(r) {
    const tl = r.timeline || [];
    if (!tl.length) return null;
    const xs = tl.map((s) => s.t);
    const phases = phaseSpans(tl);
    const labels = endpointLabels(tl);
    const parts = [];
    parts.push(lineChart("score", "Score so far", "", xs, [{ name: "score", values: tl.map((s) => s.score) }],
                         { phases, format: int }));
    if (tl.some((s) => isNum(s.load_level))) {
      parts.push(lineChart("load_level", "Load level", "", xs, [{ name: "load level", values: tl.map((s) => (isNum(s.load_level) ? s.load_level : null)) }],
                           { phases }));
    }
    parts.push(lineChart("requests", "Requests per second, per endpoint", "req/s", xs,
      labels.map((l) => ({ name: l, values: tl.map((s) => perSecond(s.endpoints[l] ? s.endpoints[l].requests : 0, s.seconds)) })),
      { phases, legend: true }));
    parts.push(lineChart("errors", "Failed requests per second, per endpoint (timeouts, resets, cancels at a phase's end)", "failures/s", xs,
      labels.map((l) => ({ name: l, values: tl.map((s) => perSecond(s.endpoints[l] ? s.endpoints[l].errors : 0, s.seconds)) })),
      { phases, legend: true }));
    // Latency: one percentile at a time (a quiet second is a gap, not a zero).
    const holder = el("div", {});
    const choose = el("select", { id: "latency-percentile" }, ["p99", "p90", "p50"].map((p) => el("option", { value: p }, p)));
    const drawLatency = () => {
      const p = choose.value;
      const chart = lineChart("latency", `Latency ${p}, per endpoint`, "ms", xs,
        labels.map((l) => ({ name: l, values: tl.map((s) => (s.endpoints[l] && s.endpoints[l].requests > 0 ? s.endpoints[l].latency_ms[p] : null)) })),
        { phases, legend: true, format: ms, controls: el("div", { class: "controls" }, "percentile ", choose) });
      chart.setAttribute("data-percentile", p);
      holder.replaceChildren(chart);
    };
    choose.addEventListener("change", drawLatency);
    drawLatency();
    parts.push(holder);
    return section("over-time", "Over time", parts);
  }

  function benchmarkerSection(r) {
    const b = r.benchmarker || {};
    const tl = r.timeline || [];
    const facts = table(["figure", "value"], [
      ["CPU seconds", dec(b.cpu_seconds, 2)],
      ["wall seconds", dec(b.wall_seconds, 2)],
      ["CPU share (cores busy)", dec(b.cpu_share, 2)],
      ["saturated Load seconds", isNum(b.saturated_seconds) ? dec(b.saturated_seconds, 1) : "–"],
      ["worst event-loop lag", ms(b.worst_loop_lag_ms)],
    ], [false, true]);
    const parts = [facts];
    if (tl.length) {
      const xs = tl.map((s) => s.t);
      const phases = phaseSpans(tl);
      parts.push(lineChart("cpu", "The benchmarker's CPU", "cores busy", xs, [{ name: "CPU share", values: tl.map((s) => s.cpu_share) }], { phases }));
      parts.push(lineChart("lag", "The benchmarker's worst event-loop lag", "ms", xs, [{ name: "lag", values: tl.map((s) => s.loop_lag_ms) }], { phases, format: ms }));
    }
    return section("benchmarker", "The benchmarker itself", parts);
  }

  function endpointsSection(r) {
    const rows = Object.entries(r.endpoints || {}).map(([label, e]) => {
      const lat = e.latency_ms || {};
      const statuses = Object.entries(e.status || {}).map(([s, n]) => `${s}×${int(n)}`).join(" ");
      const errors = Object.entries(e.errors || {}).map(([c, n]) => `${c}×${int(n)}`).join(" ");
      return [label, int(e.requests), statuses, errors || "–", int(e.bytes), ms(lat.mean), ms(lat.p50), ms(lat.p90), ms(lat.p99), ms(lat.max)];
    });
    return section("endpoints", "Endpoints",
      table(["endpoint", "requests", "status", "errors", "bytes", "mean", "p50", "p90", "p99", "max"], rows,
            [false, true, false, false, true, true, true, true, true, true]));
  }

  function errorsSection(r) {
    const e = r.errors || {};
    const messages = e.first_messages || {};
    // A message whose flow is in the HAR links to it.
    const line = (m) => {
      const to = window.candarFlows ? window.candarFlows.anchorFor(har, m) : null;
      return el("div", {}, to ? el("a", { href: to }, m) : m);
    };
    const rows = Object.entries(e.by_code || {}).sort((a, b) => b[1] - a[1])
      .map(([code, n]) => [code, int(n), el("div", { class: "messages" }, (messages[code] || []).map(line))]);
    const parts = [el("p", {}, `${int(e.total)} errors` + (e.dropped ? ` (${int(e.dropped)} more not kept)` : "") +
                  (r.errors_after_window && r.errors_after_window.total ? `; ${int(r.errors_after_window.total)} after their phase ended (not deducted)` : ""))];
    if (rows.length) parts.push(table(["code", "count", "first messages"], rows, [false, true, false]));
    const classes = Object.entries(e.by_category || {});
    if (classes.length) parts.push(table(["category", "count"], classes.map(([c, n]) => [c, int(n)]), [false, true]));
    return section("errors", "Errors", parts);
  }

  function change(now, before, lowerIsBetter) {
    if (!isNum(now) || !isNum(before) || before === 0) return el("span", {}, "–");
    const pct = ((now - before) / before) * 100;
    const better = lowerIsBetter ? pct < 0 : pct > 0;
    const span = el("span", {}, (pct > 0 ? "+" : "") + dec(pct, 1) + " %");
    span.dataset.better = String(better);
    return span;
  }
  function baselineSection(r) {
    const b = r.baseline;
    if (!b) return null;
    const rows = [["score", int(r.score), int(b.score), change(r.score, b.score, false)]];
    const endpoints = b.endpoints || {};
    for (const [label, e] of Object.entries(endpoints)) {
      const now = (r.endpoints || {})[label] || {};
      rows.push([label + " requests", int(now.requests), int(e.requests), change(now.requests, e.requests, false)]);
      rows.push([label + " p99", ms(now.latency_ms && now.latency_ms.p99), ms(e.p99_ms), change(now.latency_ms && now.latency_ms.p99, e.p99_ms, true)]);
    }
    const t = table(["figure", "this run", "baseline", "change"], rows, [false, true, true, true]);
    for (const td of t.querySelectorAll("td:last-child")) {
      const s = td.querySelector("span[data-better]");
      if (s) td.classList.add(s.dataset.better === "true" ? "better" : "worse");
    }
    return section("baseline", "Against the baseline",
      el("p", { class: "muted" }, `${b.file} · allowed drop ${dec(b.max_drop_percent, 1)} %` +
        (b.regressed ? " · regressed" : b.inconclusive ? " · inconclusive" : "")),
      el("ul", { class: "reasons", id: "baseline-findings" }, (b.findings || []).map((x) => el("li", {}, x))),
      t);
  }

  function repeatSection(r) {
    const s = r.repeat;
    const runs = r.runs || [];
    const rows = runs.map((run, i) => [String(i + 1), int(run.score), run.verdict || (run.pass ? "pass" : "fail"),
                                       run.valid === false ? "invalid" : "valid"]);
    const parts = [el("p", { id: "spread" }, `median ${int(s.median)}, min ${int(s.min)}, max ${int(s.max)}, ` +
                      `spread ${dec(s.spread_percent, 1)} % of the median over ${int(s.runs)} runs`),
                   table(["run", "score", "verdict", "valid"], rows, [false, true, false, false])];
    const withTimeline = runs.filter((run) => (run.timeline || []).length);
    if (withTimeline.length) {
      // Each run's own seconds: runs take the same phases, so their lines overlay.
      const longest = withTimeline.reduce((a, b) => (a.timeline.length >= b.timeline.length ? a : b));
      const xs = longest.timeline.map((p) => p.t);
      const series = runs.map((run, i) => ({ name: `run ${i + 1}`,
        values: xs.map((_, k) => (run.timeline && run.timeline[k] ? run.timeline[k].score : null)) }));
      parts.push(lineChart("runs", "Score so far, each run", "", xs, series, { legend: true, format: int }));
    }
    return section("repeat", "Repeated runs", parts);
  }

  // The run that stands for a repeated result: the one whose score is the median (the lower middle).
  function medianRun(r) {
    const runs = r.runs || [];
    if (!runs.length) return null;
    const order = runs.map((run, i) => i).sort((a, b) => (runs[a].score || 0) - (runs[b].score || 0));
    return { index: order[Math.floor((order.length - 1) / 2)], run: runs[order[Math.floor((order.length - 1) / 2)]] };
  }

  function render(r) {
    const name = r.contest || "candar";
    document.title = `${name}: ${(r.verdict || (r.pass ? "pass" : "fail")).toUpperCase()} ${int(r.score)}`;
    root.replaceChildren(...headline(r, name + " benchmark result"));
    const add = (node) => { if (node) root.append(node); };
    if (r.repeat) {
      add(repeatSection(r));
      add(baselineSection(r));
      const m = medianRun(r);
      if (m) {
        root.append(el("h2", { id: "median-run" }, `The median run (run ${m.index + 1}) in detail`));
        add(breakdownSection(m.run));
        add(timelineSection(m.run));
        add(endpointsSection(m.run));
        add(errorsSection(m.run));
        add(benchmarkerSection(m.run));
      }
    } else {
      add(baselineSection(r));
      add(breakdownSection(r));
      add(timelineSection(r));
      add(endpointsSection(r));
      add(errorsSection(r));
      if (window.candarFlows) add(window.candarFlows.section(har, el, table, section));
      add(benchmarkerSection(r));
    }
  }

  // The HAR of --har, or null.
  let har = null;
  try {
    const harElement = document.getElementById("candar-har");
    har = harElement ? JSON.parse(harElement.textContent) : null;
  } catch (e) {
    renderErrors.push("the HAR could not be read: " + String(e));
  }
  try {
    render(JSON.parse(document.getElementById("candar-result").textContent));
    document.body.dataset.rendered = renderErrors.length ? "error" : "ok";
  } catch (e) {
    renderErrors.push(String(e && e.stack ? e.stack : e));
    document.body.dataset.rendered = "error";
  }
  if (renderErrors.length) root.prepend(el("pre", { id: "render-errors" }, "This report could not be drawn whole:\n" + renderErrors.join("\n")));
})();
