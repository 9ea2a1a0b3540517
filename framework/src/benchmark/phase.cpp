#include "candar/benchmark/phase.hpp"

namespace candar {

std::string_view to_string(phase p) noexcept {
  switch (p) {
    case phase::prepare:
      return "prepare";
    case phase::load:
      return "load";
    case phase::validate:
      return "validate";
  }
  return "unknown";
}

}  // namespace candar
