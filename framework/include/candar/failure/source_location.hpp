#pragma once
// std::source_location where the standard library has it (g++ 12), and a stand-in built on the same compiler
// builtins otherwise: clang 14, which builds the fuzz targets, lacks __builtin_source_location.
#include <version>
#if defined(__cpp_lib_source_location)
#include <source_location>
#endif

namespace candar {

#if defined(__cpp_lib_source_location)
using source_location = std::source_location;
#else
class source_location {
 public:
  static constexpr source_location current(char const* file = __builtin_FILE(),
                                           char const* function = __builtin_FUNCTION(),
                                           unsigned line = __builtin_LINE()) noexcept {
    source_location l;
    l.file_ = file;
    l.function_ = function;
    l.line_ = line;
    return l;
  }
  constexpr char const* file_name() const noexcept { return file_; }
  constexpr char const* function_name() const noexcept { return function_; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr unsigned column() const noexcept { return 0; }

 private:
  char const* file_ = "";
  char const* function_ = "";
  unsigned line_ = 0;
};
#endif

}  // namespace candar
