"use strict";
// The failing exchanges (--har): for each first error, the flow that led to it, drawn from the HAR embedded in
// #candar-har. Loaded before report.js, which calls candarFlows.section() and links each error message to its
// flow with candarFlows.anchorFor().
window.candarFlows = (function () {
  function pagesOf(har) { return (har && har.log && har.log.pages) || []; }
  function entriesOf(har, id) { return ((har && har.log && har.log.entries) || []).filter((e) => e.pageref === id); }

  // The flow whose error is this message, as "#flow-N"; null when there is none.
  function anchorFor(har, message) {
    const page = pagesOf(har).find((p) => p.title === message);
    return page ? "#" + page.id : null;
  }

  function headerLines(headers) { return (headers || []).map((h) => `${h.name}: ${h.value}`).join("\n"); }
  function bodyText(content) {
    if (!content || content.text === undefined) return "";
    if (content.encoding === "base64") return `(${content.size} bytes that are not UTF-8, base64 in the HAR)`;
    return content.text + (content.comment ? `\n(${content.comment})` : "");
  }

  // One exchange in full: what went out, and what came back (or the agent's error).
  function exchange(el, e) {
    const rq = e.request, rs = e.response;
    const parts = [
      el("h4", {}, "request"),
      el("pre", { class: "exchange" }, `${rq.method} ${rq.url} ${rq.httpVersion}\n${headerLines(rq.headers)}` +
        (rq.postData ? `\n\n${bodyText(rq.postData)}` : "")),
      el("h4", {}, "response"),
      el("pre", { class: "exchange" }, rs.status ? `${rs.httpVersion} ${rs.status}\n${headerLines(rs.headers)}\n\n${bodyText(rs.content)}`
        : `no response: ${e._error || "(none came)"}`),
    ];
    return parts;
  }

  function section(har, el, table, section) {
    const pages = pagesOf(har);
    if (!pages.length) return null;
    const flows = pages.map((p) => {
      const entries = entriesOf(har, p.id);
      const rows = entries.map((e, i) => [String(i + 1), e.request.method, e.request.url,
        e.response.status ? String(e.response.status) : "–", `${Math.round(e.time)} ms`,
        e.cache && e.cache.comment ? "cache" : (e.connection || "")]);
      const last = entries[entries.length - 1];
      return el("div", { class: "flow", id: p.id },
        el("h3", {}, p.title),
        table(["#", "method", "URL", "status", "time", "connection"], rows, [true, false, false, true, true, false]),
        last ? el("details", { open: "" }, el("summary", {}, "the exchange the error is about"), exchange(el, last)) : null);
    });
    return section("flows", "Failing exchanges (--har)",
      el("p", {}, `The flow that led to each of the first errors of each code: ${pages.length} flows in the HAR file.`),
      flows);
  }

  return { anchorFor, section };
})();
