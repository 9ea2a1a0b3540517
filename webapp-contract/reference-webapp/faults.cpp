// The reference webapp's fault switches, each with what it breaks (isuchair-webapp --help lists them).
#include "app.hpp"

namespace isuchair::webapp {

std::map<std::string, std::string> const& known_faults() {
  static std::map<std::string, std::string> const faults = {
      {"wrong-chairs", "GET /api/users/:id/home answers one chair too many"},
      {"ignore-version", "requests carrying an old master version are served"},
      {"admit-banned", "banned users can log in"},
      {"error-reward", "POST /api/users/:id/reward answers 500"},
      {"slow-gacha", "POST /api/users/:id/gacha answers after --slow-ms"},
      {"no-cache-headers", "static files come without ETag, Last-Modified and Cache-Control"},
      {"garbage-static", "static files are a one-line body with plausible cache headers (less to send)"},
      {"no-validators", "static files come without ETag and Last-Modified (nothing to revalidate)"},
      {"no-auth", "the session is not checked: a request without one acts on the path's user"},
      {"foreign-user", "a session may act on any user's path (no 403)"},
      {"double-reward", "the login reward can be claimed again and again (no 409)"},
      {"free-gacha", "the gacha draws without enough coins (no 409)"},
      {"stale-home", "GET /api/users/:id/home answers each user's first answer again (a per-user cache)"},
      // Hostile answers: what a broken or cheating webapp may send the benchmarker, which must stay standing.
      {"deep-page", "GET / is its page preceded by 100,000 nested <div>s (500 KB)"},
      {"formatting-bomb",
       "GET / is its page preceded by 100 <b>s of 100 KB left open in a <div>, then 1,900 "
       "paragraphs (10 MB a parser would copy into each: 19 GB)"},
      {"latin1-header", "every answer carries X-Note: caf\\xe9 (Latin-1, not UTF-8)"},
      {"long-header", "every answer carries a 60 KB X-Padding header"},
      {"broken-utf8-error", "POST /api/users/:id/reward answers 500 with a Japanese HTML page cut mid-character"},
      {"zstd-home", "GET /api/users/:id/home answers bytes said to be zstd (which no browser here decodes)"},
      // Durability: what the check after a restart (--validate-only) is for.
      {"memory-only", "writes stay in memory and never reach --db: they vanish when the webapp restarts"},
      {"swr-static", "static files say max-age=0, stale-while-revalidate=60 (every hit revalidated behind)"},
  };
  return faults;
}

}  // namespace isuchair::webapp
