# CMake functions for contest authors, installed with the package (find_package(candar) includes this file)
# and used by candar's own sample contests.
#
#   candar_add_benchmarker(mycontest-bench main.cpp flows/login.cpp flows/load.cpp)
#
# is add_executable plus what a benchmarker wants: candar::candar linked, C++20, the contest kit's headers
# precompiled (an edit of one scenario file then recompiles that file alone, without parsing Asio again), and
# mimalloc as the allocator when Debian's libmimalloc-dev is there (the agent allocates per request).
include_guard(GLOBAL)

option(CANDAR_FAST_ALLOCATOR "Link mimalloc into benchmarkers (candar_add_benchmarker) when it is installed" ON)

# g++ 12 miscompiles braced temporaries and array temporaries in a co_await full-expression (candar's README):
# say so once, where the author chooses the compiler.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  message(WARNING "candar: g++ ${CMAKE_CXX_COMPILER_VERSION} miscompiles some coroutine code (candar's README); "
                  "build benchmarkers with clang 16: -DCMAKE_CXX_COMPILER=clang++-16")
endif()

# The kit's headers as one precompiled header on `target` (a benchmarker, or a library of its scenarios).
# Other targets can share it: target_precompile_headers(other REUSE_FROM target).
function(candar_precompile_kit target)
  target_precompile_headers(${target} PRIVATE <candar/candar.hpp>)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # Without the timestamp in the .pch, ccache can cache the files that use it (with its pch sloppiness).
    target_compile_options(${target} PRIVATE "SHELL:-Xclang -fno-pch-timestamp")
  endif()
endfunction()

# mimalloc in place of glibc's malloc for a program that makes load: callgrind counted 13 % fewer user-space
# instructions per request with it. Not under sanitizers, which bring their own allocator, nor when
# CANDAR_FAST_ALLOCATOR is OFF.
function(candar_fast_allocator target)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" build_type)
  set(flags "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${build_type}} ${CMAKE_EXE_LINKER_FLAGS}")
  if(NOT CANDAR_FAST_ALLOCATOR OR CANDAR_SANITIZE OR flags MATCHES "-fsanitize")
    return()
  endif()
  find_package(mimalloc 2 CONFIG QUIET)
  if(NOT mimalloc_FOUND)
    message(STATUS "candar: ${target} uses the system allocator (install libmimalloc-dev for a faster one)")
    return()
  endif()
  # --no-as-needed: nothing calls mimalloc by name; it is linked for the malloc it exports.
  target_link_options(${target} PRIVATE "LINKER:--no-as-needed")
  target_link_libraries(${target} PRIVATE mimalloc)
endfunction()

function(candar_add_benchmarker name)
  if(ARGC LESS 2)
    message(FATAL_ERROR "candar_add_benchmarker(${name}): give the program's source files")
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE candar::candar)
  target_compile_features(${name} PRIVATE cxx_std_20)
  candar_precompile_kit(${name})
  candar_fast_allocator(${name})
endfunction()
