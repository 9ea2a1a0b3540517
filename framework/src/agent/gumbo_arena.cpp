#include "gumbo_arena.hpp"

#include <algorithm>
#include <new>

#include "webapp_cpu.hpp"

namespace candar::detail {

namespace {
constexpr std::size_t block_units = 64 * 1024 / sizeof(std::max_align_t);  // 64 KiB blocks
}

gumbo_arena::~gumbo_arena() {
  webapp_cpu_scope const webapp_work;
  blocks_.clear();
  bounded_ = {};
}

GumboOptions gumbo_arena::options() noexcept {
  GumboOptions o = kGumboDefaultOptions;
  o.allocator = &gumbo_arena::allocate;
  o.deallocator = &gumbo_arena::deallocate;
  o.userdata = this;
  o.max_errors = 0;  // nobody reads them, and a page of 16 MB of NUL bytes would keep 16 million
  return o;
}

GumboOutput* gumbo_arena::parse(std::string_view html) {
  webapp_cpu_scope const webapp_work;
  bounded_ = bound_html(html);
  auto const text = bounded_.text(html);
  GumboOptions const o = options();
  return gumbo_parse_with_options(&o, text.data(), text.size());
}

void* gumbo_arena::allocate(void* arena, std::size_t size) {
  auto& a = *static_cast<gumbo_arena*>(arena);
  std::size_t const units = std::max<std::size_t>(1, (size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t));
  if (units > block_units / 4) {
    // A large one (a long text or attribute) gets a block of its own, kept before the current one.
    auto own = std::make_unique_for_overwrite<std::max_align_t[]>(units);  // gumbo writes before it reads
    void* p = own.get();
    a.blocks_.insert(a.blocks_.end() - (a.blocks_.empty() ? 0 : 1), std::move(own));
    return p;
  }
  if (a.blocks_.empty() || a.used_ + units > a.capacity_) {
    a.blocks_.push_back(std::make_unique_for_overwrite<std::max_align_t[]>(block_units));
    a.used_ = 0;
    a.capacity_ = block_units;
  }
  void* p = a.blocks_.back().get() + a.used_;
  a.used_ += units;
  return p;
}

void gumbo_arena::deallocate(void* /*arena*/, void* /*memory*/) {
  // Nothing: the arena releases everything at once.
}

}  // namespace candar::detail
