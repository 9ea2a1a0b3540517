#include <algorithm>
#include <optional>

#include "agent_state.hpp"
#include "candar/agent/agent.hpp"
#include "candar/context/parallel.hpp"
#include "text.hpp"
#include "web_url.hpp"

namespace candar {

namespace asio = boost::asio;

namespace {

// A response a media element could play: 2xx, of an audio or video type.
bool media_answer(outcome const& r) {
  if (!r || r->status < 200 || r->status >= 300) return false;
  auto const type = r->header("Content-Type");
  if (!type) return false;
  auto const t = detail::ascii_lower(*type);
  return t.starts_with("video/") || t.starts_with("audio/") || t.starts_with("application/ogg");
}

}  // namespace

bool page_resources::all_ok() const noexcept {
  return std::all_of(items.begin(), items.end(), [](fetched_resource const& f) {
    return f.result && f.result->status >= 200 && f.result->status < 300;
  });
}

std::size_t page_resources::from_cache() const noexcept {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](fetched_resource const& f) {
    return f.result && f.result->cache != cache_use::network;
  }));
}

asio::awaitable<page_resources> agent::load_resources(response const& page, std::size_t parallelism) {
  return load_resources(page, std::string(), {}, parallelism);
}

asio::awaitable<page_resources> agent::load_resources(response const& page, std::string label,
                                                      std::chrono::steady_clock::duration timeout,
                                                      std::size_t parallelism) {
  auto refs = find_subresources(page.body);
  auto const document = detail::web_url::parse(page.url);
  std::optional<detail::web_url> base;
  if (document) base.emplace(*document);
  if (document && !refs.base.empty()) {
    if (auto with_base = detail::web_url::parse(refs.base, &*document)) base.emplace(std::move(*with_base));
  }
  std::vector<std::string> targets;
  for (auto const& r : refs.resources) {
    detail::web_url const* against = r.before_base ? (document ? &*document : nullptr) : (base ? &*base : nullptr);
    auto absolute = detail::web_url::parse(r.target, against);
    // One that is not a URL the agent can fetch goes as written, and fails as a request would.
    targets.push_back(absolute ? absolute->href() : r.target);
  }
  std::vector<std::optional<outcome>> results(refs.resources.size());
  // Over h2 a browser asks for everything at once; 32 bounds what a page of a thousand images holds in flight.
  if (parallelism == 0)
    parallelism = page.protocol == http_protocol::h2 ? std::min<std::size_t>(targets.size(), 32) : 6;
  parallel jobs(state_->ex, static_cast<std::int64_t>(std::max<std::size_t>(1, parallelism)));
  // One job per resource, except a media element's <source> list: one job tries them in order until one
  // answers with something it could play.
  for (std::size_t first = 0; first < targets.size();) {
    std::size_t end = first + 1;
    while (end < targets.size() && refs.resources[end].fallback) ++end;
    jobs.spawn([this, &results, &targets, &label, timeout, first, end]() -> asio::awaitable<void> {
      for (std::size_t i = first; i < end; ++i) {
        auto req = get(targets[i]);
        if (!label.empty()) req.label(label);
        if (timeout != std::chrono::steady_clock::duration::zero()) req.timeout(timeout);
        results[i] = co_await std::move(req).send();
        if (end - first == 1 || media_answer(*results[i])) break;
      }
    });
    first = end;
  }
  co_await jobs.wait();
  page_resources out;
  for (std::size_t i = 0; i < refs.resources.size(); ++i) {
    if (!results[i]) continue;  // a fallback <source> that was not needed
    out.items.push_back({std::move(refs.resources[i]), std::move(targets[i]), std::move(*results[i])});
  }
  co_return out;
}

}  // namespace candar
