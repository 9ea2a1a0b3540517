// Load: users visit the webapp, several at once, until the Load phase's time is up. Every visit checks what it
// gets; only checked work scores.
#include "contest.hpp"

namespace @NAMESPACE@ {

using namespace candar;

awaitable<void> contest::load(step& s) {
  worker visits(s.runtime(), [this, &s](context const&, std::int64_t) { return visit(s); }, {.parallelism = 4});
  co_await visits.process(s);
}

awaitable<void> contest::visit(step& s) {
  auto u = users_.take();  // a returning browser (cookies, cache), in one visit at a time
  if (!u) {                // every user of this loop is busy: wait a little rather than spin
    co_await sleep(s.context(), std::chrono::milliseconds(50));
    co_return;
  }
  auto page = co_await u->agent.get("/").send();
  if (auto e = check(page, "GET /", expect::status(200))) co_return s.add_error(std::move(*e).wrap("visit"));
  auto resources = co_await u->agent.load_resources(*page, "GET (page resources)");  // what a browser loads too
  if (!resources.all_ok()) co_return s.add_error(error("resource", "GET /: a resource of the page failed").wrap("visit"));
  ++u->user.visits;
  s.add_score("visit");
}

}  // namespace @NAMESPACE@
