#include "shared_text.hpp"

#include <cstdint>
#include <unordered_map>

namespace candar::detail {

namespace {

class text_table {
 public:
  std::shared_ptr<std::string const> share(std::string_view text) {
    auto const key = std::hash<std::string_view>{}(text);
    auto [first, last] = texts_.equal_range(key);
    for (auto it = first; it != last; ++it) {
      if (auto held = it->second.lock(); held && *held == text) return held;
    }
    auto made = std::make_shared<std::string const>(text);
    texts_.emplace(key, made);
    // Forget texts nobody holds any more, whenever the table has doubled since the last sweep: amortized O(1).
    if (texts_.size() >= 2 * live_after_sweep_ + 64) {
      std::erase_if(texts_, [](auto const& kv) { return kv.second.expired(); });
      live_after_sweep_ = texts_.size();
    }
    return made;
  }

 private:
  std::unordered_multimap<std::size_t, std::weak_ptr<std::string const>> texts_;
  std::size_t live_after_sweep_ = 0;
};

}  // namespace

std::shared_ptr<std::string const> share_text(std::string_view text) {
  static auto const empty = std::make_shared<std::string const>();
  if (text.empty()) return empty;
  thread_local text_table table;
  return table.share(text);
}

}  // namespace candar::detail
