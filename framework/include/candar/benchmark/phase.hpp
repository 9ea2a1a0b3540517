#pragma once
#include <string_view>

namespace candar {

enum class phase { prepare, load, validate };

// "prepare", "load", "validate": also the code an error is wrapped in when a phase itself fails.
std::string_view to_string(phase p) noexcept;

}  // namespace candar
