# Fails when a file of the framework includes a header of a layer above its own: the layers only point down.
# Run by the build (framework/CMakeLists.txt) whenever a source or header changes, with
#   cmake -DFRAMEWORK=<framework folder> -DSTAMP=<file to touch> -P check_layers.cmake
#
# The layers, lowest first. A folder (under src/ and include/candar/) may include its own layer's folders and
# those of the layers below; an include of a layer above is an error, whatever the linker would say.
set(layers
  "detail failure"          # bounded shards, async signals; errors and their codes
  "context runtime"         # async: contexts, spawn, together/parallel, the loops
  "metrics score random"    # what a run counts; seeded data
  "agent"                   # the HTTP client: URLs, names, connections, TLS, wire, cache, cookies, decoding
  "html"                    # documents, selectors, forms
  "check users"             # response checks; the user pool
  "worker load"             # closed-loop workers, arrival rate, the load adjustor, logs
  "benchmark"               # the run: phases, steps, errors of a step, the step adapters of workers
  "app locust")             # the ready main and its reports; the Locust worker

set(rank 0)
foreach(layer IN LISTS layers)
  string(REPLACE " " ";" folders "${layer}")
  foreach(folder IN LISTS folders)
    set(rank_of_${folder} ${rank})
  endforeach()
  math(EXPR rank "${rank} + 1")
endforeach()

file(GLOB_RECURSE files "${FRAMEWORK}/src/*.cpp" "${FRAMEWORK}/src/*.hpp" "${FRAMEWORK}/include/candar/*.hpp")
set(problems "")
foreach(file IN LISTS files)
  file(RELATIVE_PATH relative "${FRAMEWORK}" "${file}")
  if(NOT relative MATCHES "^(src|include/candar)/([a-z_]+)/")
    continue()  # candar.hpp, the one include, sits above every layer
  endif()
  set(folder "${CMAKE_MATCH_2}")
  if(NOT DEFINED rank_of_${folder})
    string(APPEND problems "  ${relative}: its folder '${folder}' is in no layer (cmake/check_layers.cmake)\n")
    continue()
  endif()
  file(STRINGS "${file}" includes REGEX "^#include [<\"]candar/|^#include \"")
  foreach(line IN LISTS includes)
    if(NOT line MATCHES "^#include [<\"](candar/)?([a-z_]+)/")
      continue()
    endif()
    set(target "${CMAKE_MATCH_2}")  # (its own if: ${} expands before MATCHES sets it)
    if(DEFINED rank_of_${target})
      if(rank_of_${target} GREATER rank_of_${folder})
        string(APPEND problems "  ${relative} (${folder}) includes ${target}, a layer above: ${line}\n")
      endif()
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "An include points up the framework's layers:\n${problems}")
endif()
file(TOUCH "${STAMP}")
