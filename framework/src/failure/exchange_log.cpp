#include "candar/failure/exchange_log.hpp"

#include <algorithm>

namespace candar {

std::shared_ptr<exchange_history const> exchange_history::after(std::shared_ptr<exchange_history const> before,
                                                                recorded_exchange e) {
  auto node = std::make_shared<recorded_exchange const>(std::move(e));
  std::size_t const depth = before ? before->depth_ + 1 : 1;
  if (depth <= kept + kept / 2)
    return std::make_shared<exchange_history const>(std::move(node), std::move(before), depth);
  // A long flow: a new chain of the latest ones (pointers, not copies), so that what a flow holds stays bounded
  // however long it runs; the old chain goes when nothing holds it. Once per kept / 2 exchanges.
  auto latest = before->in_order();
  std::shared_ptr<exchange_history const> chain;
  std::size_t n = 0;
  for (auto it = latest.end() - static_cast<std::ptrdiff_t>(std::min(latest.size(), kept - 1)); it != latest.end();
       ++it) {
    chain = std::make_shared<exchange_history const>(*it, std::move(chain), ++n);
  }
  return std::make_shared<exchange_history const>(std::move(node), std::move(chain), n + 1);
}

std::vector<std::shared_ptr<recorded_exchange const>> exchange_history::in_order() const {
  std::vector<std::shared_ptr<recorded_exchange const>> out;
  for (auto const* h = this; h != nullptr && out.size() < kept; h = h->previous_.get()) out.push_back(h->exchange_);
  std::reverse(out.begin(), out.end());
  return out;
}

std::string kept_body(std::string_view body) {
  auto cut = std::min(body.size(), recorded_exchange::max_body_bytes);
  // Not inside a UTF-8 character: a text body cut there would read as binary.
  for (int back = 0;
       back < 3 && cut > 0 && cut < body.size() && (static_cast<unsigned char>(body[cut]) & 0xC0U) == 0x80U; ++back) {
    --cut;
  }
  return std::string(body.substr(0, cut));
}

}  // namespace candar
