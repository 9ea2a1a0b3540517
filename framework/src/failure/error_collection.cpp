#include "candar/failure/error_collection.hpp"

#include <algorithm>

#include "candar/failure/codes.hpp"

namespace candar {

namespace {
void credit(auto& map, std::string_view key, std::int64_t n = 1) {
  if (auto it = map.find(key); it != map.end()) {
    it->second += n;
  } else {
    map.emplace(std::string(key), n);
  }
}
}  // namespace

error_collection::error_collection(std::size_t keep_at_most) : keep_at_most_(keep_at_most) {}

void error_collection::on_add(hook h) { hooks_.push_back(std::move(h)); }

void error_collection::set_classifier(classifier c) { classifier_ = std::move(c); }

std::string error_collection::class_of(error const& e) const { return classifier_ ? classifier_(e) : std::string(); }

bool error_collection::take_keep_slot() {
  // Read first: once full, adds stop writing the shared line at all.
  if (kept_.load(std::memory_order_relaxed) >= keep_at_most_) return false;
  return kept_.fetch_add(1, std::memory_order_relaxed) < keep_at_most_;
}

void error_collection::add(error e) {
  std::string klass = classifier_ ? classifier_(e) : std::string();
  auto const at = clock::now();
  // The benchmarker's own failure is not the webapp's: counted under its code alone, outside the total, so it
  // neither deducts (a flow's code) nor reaches the error limit; the app makes such a run invalid instead.
  bool const ours = e.has(codes::benchmarker);
  shards_.with_local([&](shard& s) {
    if (ours) {
      credit(s.by_code, codes::benchmarker);
      if (classifier_) credit(s.by_class, klass);
      return;
    }
    ++s.total;
    auto const chain = e.chain();
    bool early = false;  // among the first few of one of its codes (in this shard)
    for (std::size_t i = 0; i < chain.size(); ++i) {
      bool const seen_before = std::any_of(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(i),
                                           [&](error::frame const& f) { return f.code == chain[i].code; });
      if (seen_before) continue;
      credit(s.by_code, chain[i].code);
      early = early || s.by_code.find(chain[i].code)->second <= flows_kept_per_code;
    }
    if (classifier_) credit(s.by_class, klass);
    // The exchanges that led to an error (--har) are written for each code's first few only: the rest let go
    // of theirs, or 100,000 kept errors would hold their flows' bodies.
    if (!early && e.trace_context().exchanges) {
      auto ids = e.trace_context();
      ids.exchanges.reset();
      e.set_trace_context(std::move(ids));
    }
  });
  // Hooks see the error before it is moved into the shard, outside the shard's lock (a hook may add errors).
  for (auto const& h : hooks_) h(e);
  bool const keep = take_keep_slot();
  shards_.with_local([&](shard& s) {
    if (keep) {
      s.kept.push_back(entry{at, std::move(e)});
    } else {
      ++s.dropped;
    }
  });
}

std::int64_t error_collection::count() const {
  std::int64_t n = 0;
  shards_.for_each([&](shard const& s) { n += s.total; });
  return n;
}

std::int64_t error_collection::count(std::string_view code) const {
  std::int64_t n = 0;
  shards_.for_each([&](shard const& s) {
    if (auto it = s.by_code.find(code); it != s.by_code.end()) n += it->second;
  });
  return n;
}

std::map<std::string, std::int64_t, std::less<>> error_collection::counts() const {
  std::map<std::string, std::int64_t, std::less<>> out;
  shards_.for_each([&](shard const& s) {
    for (auto const& [code, n] : s.by_code) out[code] += n;
  });
  return out;
}

std::map<std::string, std::int64_t, std::less<>> error_collection::counts_by_class() const {
  std::map<std::string, std::int64_t, std::less<>> out;
  shards_.for_each([&](shard const& s) {
    for (auto const& [klass, n] : s.by_class) out[klass] += n;
  });
  return out;
}

std::int64_t error_collection::dropped() const {
  std::int64_t n = 0;
  shards_.for_each([&](shard const& s) { n += s.dropped; });
  return n;
}

std::vector<error_collection::entry> error_collection::sorted_entries() const {
  std::vector<entry> out;
  shards_.for_each([&](shard const& s) { out.insert(out.end(), s.kept.begin(), s.kept.end()); });
  std::stable_sort(out.begin(), out.end(), [](entry const& a, entry const& b) { return a.at < b.at; });
  return out;
}

std::vector<error> error_collection::all() const {
  std::vector<error> out;
  for (auto& e : sorted_entries()) out.push_back(std::move(e.value));
  return out;
}

std::vector<error> error_collection::first(std::string_view code, std::size_t at_most) const {
  std::vector<error> out;
  for (auto& e : sorted_entries()) {
    if (out.size() >= at_most) break;
    if (e.value.has(code)) out.push_back(std::move(e.value));
  }
  return out;
}

std::vector<std::string> error_collection::messages(std::string_view code, std::size_t at_most) const {
  std::vector<std::string> out;
  for (auto const& e : first(code, at_most)) out.push_back(e.summary());
  return out;
}

}  // namespace candar
