#include "candar/agent/cookie_jar.hpp"

#include "text.hpp"

#include <libpsl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace candar {

namespace {

using detail::ascii_lower;
using detail::trim_ows;

bool is_ip_address(std::string_view host) {
  return !host.empty() && (host.front() == '[' || std::all_of(host.begin(), host.end(), [](char c) {
                             return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
                           }));
}

// RFC 6265 5.1.3.
bool domain_matches(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return !is_ip_address(host) && host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

// RFC 6265 5.1.4: the directory of the request path.
std::string default_path(std::string_view request_path) {
  if (auto q = request_path.find('?'); q != std::string_view::npos) request_path = request_path.substr(0, q);
  if (request_path.empty() || request_path.front() != '/') return "/";
  auto const last = request_path.rfind('/');
  if (last == 0) return "/";
  return std::string(request_path.substr(0, last));
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  if (auto q = request_path.find('?'); q != std::string_view::npos) request_path = request_path.substr(0, q);
  if (request_path.empty()) request_path = "/";
  if (request_path == cookie_path) return true;
  if (!request_path.starts_with(cookie_path)) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

bool public_suffix(std::string const& domain) {
  psl_ctx_t const* psl = psl_builtin();
  return psl != nullptr && psl_is_public_suffix(psl, domain.c_str()) != 0;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_cookie_date(std::string_view text) {
  // RFC 6265 5.1.1: tokens split on delimiters; the first time, day-of-month, month and year found win.
  static constexpr std::array<std::string_view, 12> months{"jan", "feb", "mar", "apr", "may", "jun",
                                                           "jul", "aug", "sep", "oct", "nov", "dec"};
  auto const delimiter = [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return c == '\t' || (u >= 0x20 && u <= 0x2f) || (u >= 0x3b && u <= 0x40) || (u >= 0x5b && u <= 0x60) ||
           (u >= 0x7b && u <= 0x7e);
  };
  std::optional<int> hour, minute, second, day, month, year;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && delimiter(text[i])) ++i;
    std::size_t const start = i;
    while (i < text.size() && !delimiter(text[i])) ++i;
    std::string_view token = text.substr(start, i - start);
    if (token.empty()) continue;
    int h = 0, m = 0, s = 0;
    if (!hour) {
      auto const c1 = token.find(':');
      auto const c2 = c1 == std::string_view::npos ? c1 : token.find(':', c1 + 1);
      if (c2 != std::string_view::npos) {
        auto num = [](std::string_view t, int& out) {
          auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
          return ec == std::errc() && p == t.data() + t.size() && !t.empty() && t.size() <= 2;
        };
        std::string_view sec = token.substr(c2 + 1);
        if (auto nd = sec.find_first_not_of("0123456789"); nd != std::string_view::npos) sec = sec.substr(0, nd);
        if (num(token.substr(0, c1), h) && num(token.substr(c1 + 1, c2 - c1 - 1), m) && num(sec, s)) {
          hour = h, minute = m, second = s;
          continue;
        }
      }
    }
    int n = 0;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
    auto const digits = static_cast<std::size_t>(p - token.data());
    if (!day && ec == std::errc() && digits >= 1 && digits <= 2) {
      day = n;
      continue;
    }
    if (!month && token.size() >= 3) {
      auto const name = ascii_lower(token.substr(0, 3));
      auto it = std::find(months.begin(), months.end(), name);
      if (it != months.end()) {
        month = static_cast<int>(it - months.begin()) + 1;
        continue;
      }
    }
    if (!year && ec == std::errc() && digits >= 2 && digits <= 4) {
      year = n;
      continue;
    }
  }
  if (!hour || !day || !month || !year) return std::nullopt;
  int y = *year;
  if (y >= 70 && y <= 99) y += 1900;
  if (y >= 0 && y <= 69) y += 2000;
  if (*day < 1 || *day > 31 || y < 1601 || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  using namespace std::chrono;
  year_month_day const ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(*month)),
                           std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd) + hours(*hour) + minutes(*minute) + seconds(*second);
}

bool cookie_jar::store(std::string_view set_cookie, std::string_view host_in, std::string_view request_path,
                       bool over_https, time_point now) {
  std::string const host = ascii_lower(host_in);
  auto const semi = set_cookie.find(';');
  std::string_view pair = set_cookie.substr(0, semi);
  std::string_view attributes = semi == std::string_view::npos ? std::string_view() : set_cookie.substr(semi + 1);
  auto const eq = pair.find('=');
  cookie c;
  // RFC 6265bis 5.6 (what browsers do today): no '=' is a nameless cookie whose value is the whole pair
  // ("token"); "=value" too. Both empty, or name and value together over 4096 bytes: ignored.
  c.name = eq == std::string_view::npos ? std::string() : std::string(trim_ows(pair.substr(0, eq)));
  c.value = std::string(trim_ows(eq == std::string_view::npos ? pair : pair.substr(eq + 1)));
  if (c.name.empty() && c.value.empty()) return false;
  if (c.name.size() + c.value.size() > max_name_value_bytes) return false;
  c.created = now;

  std::optional<time_point> expires_attr;
  std::optional<time_point> max_age_attr;
  std::string domain_attr;
  std::string path_attr;
  while (!attributes.empty()) {
    auto const next = attributes.find(';');
    std::string_view av = trim_ows(attributes.substr(0, next));
    attributes = next == std::string_view::npos ? std::string_view() : attributes.substr(next + 1);
    auto const aeq = av.find('=');
    std::string_view const name = trim_ows(av.substr(0, aeq));
    std::string_view const value = aeq == std::string_view::npos ? std::string_view() : trim_ows(av.substr(aeq + 1));
    if (value.size() > max_attribute_value_bytes) continue;  // RFC 6265bis 5.6: such an attribute is ignored
    if (detail::ascii_iequal(name, "expires")) {
      if (auto t = parse_cookie_date(value)) expires_attr = t;
    } else if (detail::ascii_iequal(name, "max-age")) {
      long long seconds = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (!value.empty() && p == value.data() + value.size() &&
          (ec == std::errc() || ec == std::errc::result_out_of_range)) {
        if (ec == std::errc::result_out_of_range) seconds = value.front() == '-' ? -1 : 400LL * 24 * 3600;
        max_age_attr =
            seconds <= 0 ? time_point::min() : now + std::chrono::seconds(std::min(seconds, 400LL * 24 * 3600));
      }
    } else if (detail::ascii_iequal(name, "domain")) {
      std::string_view d = value;
      if (!d.empty() && d.front() == '.') d.remove_prefix(1);
      if (!d.empty()) domain_attr = ascii_lower(d);
    } else if (detail::ascii_iequal(name, "path")) {
      // The last Path wins, even an empty or relative one, which means the default path (RFC 6265 5.2.4).
      path_attr = !value.empty() && value.front() == '/' ? std::string(value) : std::string();
    } else if (detail::ascii_iequal(name, "secure")) {
      c.secure = true;
    } else if (detail::ascii_iequal(name, "httponly")) {
      c.http_only = true;
    }
  }
  if (max_age_attr) {
    c.expires = max_age_attr;  // Max-Age wins over Expires
  } else if (expires_attr) {
    c.expires = expires_attr;
  }

  if (!domain_attr.empty()) {
    if (domain_attr != host && public_suffix(domain_attr)) return false;  // ".com" would reach every site
    if (!domain_matches(host, domain_attr)) return false;                 // another site's domain
    c.domain = domain_attr;
    c.host_only = false;
  } else {
    c.domain = host;
  }
  c.path = path_attr.empty() ? default_path(request_path) : path_attr;
  if (c.secure && !over_https) return false;  // RFC 6265bis: only a secure origin sets a Secure cookie

  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](cookie const& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  if (same != cookies_.end()) {
    c.created = same->created;  // RFC 6265 5.3 step 11.3: keep the old creation time
    cookies_.erase(same);
  }
  if (c.expires && *c.expires <= now) return false;  // an expiry in the past deletes
  std::string const domain = c.domain;
  cookies_.push_back(std::move(c));
  enforce_limits(domain, now);
  return true;
}

// As Chromium does (180 per domain, 3300 in all): a server setting cookie after cookie cannot grow the jar
// without bound. Expired cookies go first, then the oldest.
void cookie_jar::enforce_limits(std::string const& domain, time_point now) {
  auto const in_domain = [&](cookie const& c) { return c.domain == domain; };
  if (static_cast<std::size_t>(std::count_if(cookies_.begin(), cookies_.end(), in_domain)) > max_cookies_per_domain) {
    drop_expired(now);
  }
  auto oldest_where = [&](auto&& pred) {
    auto oldest = cookies_.end();
    for (auto it = cookies_.begin(); it != cookies_.end(); ++it) {
      if (pred(*it) && (oldest == cookies_.end() || it->created < oldest->created)) oldest = it;
    }
    return oldest;
  };
  while (static_cast<std::size_t>(std::count_if(cookies_.begin(), cookies_.end(), in_domain)) >
         max_cookies_per_domain) {
    cookies_.erase(oldest_where(in_domain));
  }
  if (cookies_.size() > max_cookies) drop_expired(now);
  while (cookies_.size() > max_cookies) cookies_.erase(oldest_where([](cookie const&) { return true; }));
}

void cookie_jar::drop_expired(time_point now) {
  std::erase_if(cookies_, [now](cookie const& c) { return c.expires && *c.expires <= now; });
}

std::string cookie_jar::header_for(std::string_view host_in, std::string_view path, bool over_https, time_point now) {
  if (cookies_.empty()) return {};  // the common case of a load loop: nothing to look at
  drop_expired(now);
  std::string const host = ascii_lower(host_in);
  std::vector<cookie const*> matching;
  for (auto const& c : cookies_) {
    bool const domain_ok = c.host_only ? host == c.domain : domain_matches(host, c.domain);
    if (domain_ok && path_matches(path, c.path) && (!c.secure || over_https)) matching.push_back(&c);
  }
  std::stable_sort(matching.begin(), matching.end(), [](cookie const* a, cookie const* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    return a->created < b->created;
  });
  std::string out;
  for (auto const* c : matching) {
    if (!out.empty()) out += "; ";
    if (!c->name.empty()) {  // a nameless cookie is sent as its value alone (RFC 6265bis 5.8.3)
      out += c->name;
      out += '=';
    }
    out += c->value;
  }
  return out;
}

}  // namespace candar
