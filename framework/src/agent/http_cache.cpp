#include "candar/agent/http_cache.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "http_date.hpp"
#include "shared_text.hpp"
#include "text.hpp"

namespace candar {

namespace {

using detail::ascii_lower;
using detail::trim_ows;

// A request header as the agent sends it: of two fields of one name, the later replaces the earlier (see
// request::header), so that what Vary compares is what went out.
std::optional<std::string_view> header_in(http_cache::header_list const& hs, std::string_view name) {
  std::optional<std::string_view> last;
  for (auto const& [k, v] : hs) {
    if (detail::ascii_iequal(k, name)) last = v;
  }
  return last;
}

struct cache_control {
  bool no_store = false;
  bool no_cache = false;
  bool must_revalidate = false;
  bool must_understand = false;
  std::optional<std::chrono::seconds> max_age;
  std::optional<std::chrono::seconds> stale_while_revalidate;  // RFC 5861
};

std::optional<std::chrono::seconds> delta_seconds(std::string_view arg) {
  long long n = 0;
  auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
  if (ec != std::errc() || p != arg.data() + arg.size() || arg.empty()) return std::nullopt;
  return std::chrono::seconds(std::max(0LL, n));
}

cache_control parse_cache_control(std::vector<std::string_view> const& values) {
  cache_control cc;
  for (auto value : values) {
    while (!value.empty()) {
      auto const comma = value.find(',');
      auto directive = trim_ows(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      auto const eq = directive.find('=');
      auto const name = ascii_lower(trim_ows(directive.substr(0, eq)));
      auto arg = eq == std::string_view::npos ? std::string_view() : trim_ows(directive.substr(eq + 1));
      if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') arg = arg.substr(1, arg.size() - 2);
      if (name == "no-store") cc.no_store = true;
      if (name == "no-cache") cc.no_cache = true;
      if (name == "must-revalidate") cc.must_revalidate = true;
      if (name == "must-understand") cc.must_understand = true;
      if (name == "max-age") {
        if (auto n = delta_seconds(arg)) cc.max_age = n;
      }
      if (name == "stale-while-revalidate") {
        if (auto n = delta_seconds(arg)) cc.stale_while_revalidate = n;
      }
    }
  }
  return cc;
}

// RFC 9110 15.1: the statuses a cache may store without explicit freshness (heuristically cacheable).
bool heuristically_cacheable(int status) {
  switch (status) {
    case 200:
    case 203:
    case 204:
    case 300:
    case 301:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501:
      return true;
    default:
      return false;
  }
}

// A status the cache knows the meaning of (RFC 9111 3: a response with another is never stored). Not 206
// (ranges are not cached) nor 304 (it refreshes an entry, it is not one).
bool understood(int status) { return status >= 200 && status <= 599 && status != 206 && status != 304; }

template <class Message>
std::optional<http_cache::time_point> date_header(Message const& r, std::string_view name) {
  auto v = r.header(name);
  if (!v) return std::nullopt;
  return detail::parse_http_date(trim_ows(*v));  // strictly an HTTP-date: anything else is no date
}

// RFC 9111 5.1: Age is delta-seconds (digits only); of a list, the first member counts; an invalid value is
// ignored (not half-read: "7200.0" is not 7200); past what can be represented, 2^31.
std::chrono::seconds age_value_of(std::optional<std::string_view> field) {
  if (!field) return std::chrono::seconds(0);
  auto value = trim_ows(field->substr(0, field->find(',')));
  if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) return std::chrono::seconds(0);
  constexpr long long cap = 2147483648LL;
  if (value.size() > 10) return std::chrono::seconds(cap);
  long long n = 0;
  std::from_chars(value.data(), value.data() + value.size(), n);
  return std::chrono::seconds(std::min(n, cap));
}

// Message: a response as received, or as stored (packed); both answer header() and headers_named().
template <class Message>
std::optional<std::chrono::seconds> freshness_lifetime(Message const& res, http_cache::time_point received) {
  auto const cc = parse_cache_control(res.headers_named("Cache-Control"));
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  if (cc.max_age) return *cc.max_age;
  auto const date = date_header(res, "Date").value_or(received);
  if (res.header("Expires")) {
    auto expires = date_header(res, "Expires");
    if (!expires) return seconds(0);  // an invalid Expires means already expired
    return std::max(seconds(0), duration_cast<seconds>(*expires - date));
  }
  if (auto last_modified = date_header(res, "Last-Modified"); last_modified && heuristically_cacheable(res.status)) {
    return std::max(seconds(0), duration_cast<seconds>((date - *last_modified) / 10));
  }
  return std::nullopt;
}

template <class Message>
std::chrono::seconds current_age(Message const& res, http_cache::time_point requested, http_cache::time_point received,
                                 http_cache::time_point now) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  auto const date = date_header(res, "Date").value_or(received);
  auto const apparent = std::max(seconds(0), duration_cast<seconds>(received - date));
  auto const corrected = age_value_of(res.header("Age")) + duration_cast<seconds>(received - requested);
  return std::max(apparent, corrected) + duration_cast<seconds>(now - received);
}

// RFC 9111 3.1: what a cache stores leaves out the Connection field, the fields it names, and the other
// hop-by-hop fields (they described that one connection).
response without_hop_by_hop(response const& res) {
  std::vector<std::string> dropped = {"connection", "keep-alive",        "proxy-connection",
                                      "te",         "transfer-encoding", "upgrade"};
  for (auto const& v : res.headers_named("Connection")) {
    std::string_view list = v;
    while (!list.empty()) {
      auto const comma = list.find(',');
      if (auto const name = trim_ows(list.substr(0, comma)); !name.empty()) dropped.push_back(ascii_lower(name));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  bool any = false;
  for (auto const& [k, v] : res.headers)
    any = any || std::find(dropped.begin(), dropped.end(), ascii_lower(k)) != dropped.end();
  if (!any) return res;
  response kept = res;
  for (auto const& name : dropped) kept.headers.remove(name);
  return kept;
}

}  // namespace

// What the entry would take unshared: the cap is per agent, whatever others happen to share.
std::size_t http_cache::size_of(packed_response const& r) { return r.body->size() + r.headers->size() + 64; }

void http_cache::erase(std::map<std::string, entry>::iterator it) {
  bytes_ -= size_of(it->second.res);
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

void http_cache::clear() noexcept {
  entries_.clear();
  lru_.clear();
  bytes_ = 0;
}

http_cache::lookup_result http_cache::lookup(std::string const& url, header_list const& request_headers,
                                             time_point now) {
  lookup_result out;
  if (header_in(request_headers, "Authorization")) return out;
  auto const request_cc =
      parse_cache_control(header_in(request_headers, "Cache-Control")
                              ? std::vector<std::string_view>{*header_in(request_headers, "Cache-Control")}
                              : std::vector<std::string_view>{});
  auto it = entries_.find(url);
  if (it == entries_.end()) return out;
  auto& e = it->second;
  for (auto const& [name, value] : e.vary) {
    if (header_in(request_headers, name).value_or("") != value) return out;  // another variant
  }
  lru_.splice(lru_.begin(), lru_, e.lru);
  auto const cc = parse_cache_control(e.res.headers_named("Cache-Control"));
  auto const lifetime = freshness_lifetime(e.res, e.received).value_or(std::chrono::seconds(0));
  auto const age = current_age(e.res, e.requested, e.received, now);
  // RFC 9111 5.2.1.1 and 5.2.1.4: the request's own max-age (0: "reload") and no-cache make it revalidate.
  bool const must_ask = cc.no_cache || request_cc.no_cache || (request_cc.max_age && age > *request_cc.max_age);
  auto const etag = e.res.header("ETag");
  auto const last_modified = e.res.header("Last-Modified");
  auto const conditions = [&] {
    if (etag) out.conditional_headers.emplace_back("If-None-Match", *etag);
    if (last_modified) out.conditional_headers.emplace_back("If-Modified-Since", *last_modified);
  };
  if (!must_ask && lifetime > age) {
    out.what = lookup_result::kind::fresh;
    out.stored = e.res.unpack(url);
    return out;
  }
  // RFC 5861 3: stale, but within stale-while-revalidate: served now, revalidated in the background (as
  // Chromium does), unless the request or must-revalidate asks for a fresh answer.
  if (!must_ask && !cc.must_revalidate && cc.stale_while_revalidate && lifetime + *cc.stale_while_revalidate > age) {
    out.what = lookup_result::kind::fresh;
    out.stored = e.res.unpack(url);
    out.revalidate_in_background = true;
    conditions();
    return out;
  }
  if (!etag && !last_modified) return out;  // stale and nothing to revalidate with: a plain request
  out.what = lookup_result::kind::stale;
  conditions();
  return out;
}

void http_cache::invalidate(std::string const& url) {
  if (auto it = entries_.find(url); it != entries_.end()) erase(it);
}

bool http_cache::store(std::string const& url, header_list const& request_headers, response const& res,
                       time_point requested, time_point received) {
  if (header_in(request_headers, "Authorization")) return false;
  auto const cc = parse_cache_control(res.headers_named("Cache-Control"));
  auto const request_cc =
      parse_cache_control(header_in(request_headers, "Cache-Control")
                              ? std::vector<std::string_view>{*header_in(request_headers, "Cache-Control")}
                              : std::vector<std::string_view>{});
  bool const explicit_freshness = cc.max_age || res.header("Expires");
  // RFC 9111 3: any status the cache understands, with explicit freshness (a 500 with max-age=60 too); else
  // only the heuristically cacheable ones.
  if (!understood(res.status)) return false;
  // RFC 9111 5.2.2.3: must-understand overrides no-store for a cache that understands the status (this one
  // stores no status it does not understand, above).
  if ((cc.no_store && !cc.must_understand) || request_cc.no_store) return false;
  if (!explicit_freshness && !heuristically_cacheable(res.status)) return false;
  bool const validator = res.header("ETag") || res.header("Last-Modified");
  if (!explicit_freshness && !validator && !cc.no_cache) return false;  // nothing would ever make it usable

  header_list vary;
  for (auto const& v : res.headers_named("Vary")) {
    std::string_view list = v;
    while (!list.empty()) {
      auto const comma = list.find(',');
      auto const name = trim_ows(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (name == "*") return false;  // varies on things no request can repeat
      if (!name.empty())
        vary.emplace_back(std::string(name), std::string(header_in(request_headers, name).value_or("")));
    }
  }
  auto packed = packed_response::pack(without_hop_by_hop(res));
  std::size_t const size = size_of(packed);
  if (size > max_bytes_) return false;
  if (auto old = entries_.find(url); old != entries_.end()) erase(old);
  while (bytes_ + size > max_bytes_ && !lru_.empty()) erase(entries_.find(*lru_.back()));
  auto const it = entries_.emplace(url, entry{std::move(packed), std::move(vary), requested, received, {}}).first;
  lru_.push_front(&it->first);
  it->second.lru = lru_.begin();
  bytes_ += size;
  return true;
}

std::optional<response> http_cache::revalidated(std::string const& url, response const& not_modified,
                                                time_point requested, time_point received) {
  auto it = entries_.find(url);
  if (it == entries_.end()) return std::nullopt;
  auto& e = it->second;
  bytes_ -= size_of(e.res);
  response merged = e.res.unpack(url);
  // RFC 9111 4.3.4: the 304's headers replace the stored ones of the same name.
  auto const kept = [](std::string const& name) {
    return name != "content-length" && name != "content-encoding" && name != "transfer-encoding" &&
           name != "connection";
  };
  for (auto const& [k, v] : not_modified.headers) {
    auto const name = ascii_lower(k);
    if (kept(name)) merged.headers.remove(name);
  }
  for (auto const& [k, v] : not_modified.headers) {
    if (kept(ascii_lower(k))) merged.headers.add(k, v);
  }
  e.res = packed_response::pack(merged);
  e.requested = requested;
  e.received = received;
  bytes_ += size_of(e.res);
  lru_.splice(lru_.begin(), lru_, e.lru);
  return merged;
}

}  // namespace candar
