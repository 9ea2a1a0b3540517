#pragma once
// Memory for one gumbo parse, released whole when the arena goes. Debian 12's gumbo (0.10.1) leaks on some inputs
// (`<noscript><!doctype`: a token the "in head noscript" mode drops without freeing it): a page from a broken or
// hostile webapp would cost every agent that loads it a few bytes, for ever. With the parse's allocations in an
// arena, what gumbo forgets goes with the arena, and the tree needs no gumbo_destroy_output walk at all. A bump
// allocator: gumbo frees little before the end.
#include <gumbo.h>

#include "html_bounds.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace candar::detail {

class gumbo_arena {
 public:
  gumbo_arena() = default;
  // Releasing a large page's tree is the page's cost too (webapp_cpu.hpp).
  ~gumbo_arena();
  gumbo_arena(gumbo_arena const&) = delete;
  gumbo_arena& operator=(gumbo_arena const&) = delete;

  // gumbo's default options, allocating from this arena. The arena must outlive the parse's output.
  [[nodiscard]] GumboOptions options() noexcept;
  // Parses `html` with options(), within html_bounds (html_bounds.hpp). `html` must outlive the output (it may
  // point into it), unless bounds().flattened.
  [[nodiscard]] GumboOutput* parse(std::string_view html);
  // What the bounds did to the last page parsed.
  [[nodiscard]] bounded_html const& bounds() const noexcept { return bounded_; }

 private:
  static void* allocate(void* arena, std::size_t size);
  static void deallocate(void* arena, void* memory);

  bounded_html bounded_;  // the rewritten page gumbo's tree points into, when it was rewritten
  std::vector<std::unique_ptr<std::max_align_t[]>> blocks_;
  std::size_t used_ = 0;      // in the last block, in units of max_align_t
  std::size_t capacity_ = 0;  // of the last block
};

}  // namespace candar::detail
