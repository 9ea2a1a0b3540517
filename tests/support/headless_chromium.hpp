#pragma once
// Debian's Chromium, headless, as the tests use it to judge a page: it loads a file, runs its scripts, and
// gives back the DOM as it stands after the load event and every console message the page produced (Chromium
// logs each at one level, so any message at all counts). Bounded: killed after 60 s.
#include <string>
#include <vector>

namespace candar::test {

struct rendered_page {
  bool ran = false;                  // Chromium was there and exited 0
  std::string failure;               // why not, when it did not
  std::string dom;                   // the serialized DOM (--dump-dom)
  std::vector<std::string> console;  // "message", source: ... (line)
};

[[nodiscard]] rendered_page render_in_chromium(std::string const& html_file);
// The same for a page a local server serves (its certificate, self-signed, accepted).
[[nodiscard]] rendered_page render_url_in_chromium(std::string const& url);

}  // namespace candar::test
