#pragma once
// Identical immutable texts shared instead of copied: ten thousand agents that cached the same stylesheet hold
// one copy of it (and of its headers, while they are the same), not ten thousand. One table per thread, as each
// agent lives on one loop: no lock; a text may still be released from any thread (its count is atomic).
#include <memory>
#include <string>
#include <string_view>

namespace candar::detail {

// A shared copy of `text`: the one already held by someone on this thread if there is one, else a new one.
[[nodiscard]] std::shared_ptr<std::string const> share_text(std::string_view text);

}  // namespace candar::detail
