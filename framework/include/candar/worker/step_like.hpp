#pragma once
// What a worker needs of a benchmark step to run inside it: its context, and a place for the exceptions its
// iterations throw. candar::step has both; the workers sit in a layer below the one that defines steps, so they
// take any type that does.
#include <concepts>
#include <exception>

#include "candar/context/context.hpp"

namespace candar {

template <class Step>
concept step_like = requires(Step& s, std::exception_ptr e) {
  { s.context() } -> std::convertible_to<context>;
  s.add_exception(e);
};

}  // namespace candar
