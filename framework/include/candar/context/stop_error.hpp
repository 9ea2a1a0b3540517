#pragma once
// The error for an operation that failed because its context ended: "timeout" when the deadline passed,
// "canceled" when someone stopped it. Any other failure keeps the code error::from gives it.
#include "candar/failure/source_location.hpp"
#include <system_error>

#include "candar/context/context.hpp"
#include "candar/failure/error.hpp"

namespace candar {

// `ec` is what the operation returned; operation_aborted under an ended context reads as the context's reason.
error stop_error(context const& ctx, std::error_code ec, source_location where = source_location::current());

}  // namespace candar
