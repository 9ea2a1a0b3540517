# candar_layer(NAME FOLDERS folder... [SHARES header...] [LINKS target...] SOURCES source...): the next layer of the
# library, above every layer declared before it. It becomes the object library candar_layer_<NAME>, compiled
# against a view (build/framework/layer_views/<NAME>/) of symbolic links:
#   include/candar/<folder>  the public headers of its own folders and of every folder below;
#   src/<folder>             its own folders' private headers;
#   src/<folder>/<header>    the private headers a lower layer SHARES with the layers above it.
# Nothing else of framework/ is on its include path, so an include that points up, or into a private header a
# lower layer does not share, does not compile. LINKS names what its own folders use from outside the library
# (lower layers come with the layer below); candar::candar links all of it.
#
# Sets, for the caller: candar_layer_objects (every layer's objects so far), candar_layer_below (the last layer)
# and candar_layer_first (the lowest, whose precompiled header every layer reuses).
set(candar_layer_views ${CMAKE_CURRENT_BINARY_DIR}/layer_views)
set(candar_layer_objects "")
set(candar_layer_below "")
set(candar_layer_public_folders "")  # the public header folders of the layers declared so far
set(candar_layer_shared "")          # the private headers those layers share with the ones above

# What every layer is compiled with, as candar::candar's users are (framework/CMakeLists.txt).
add_library(candar_layer_common INTERFACE)
target_compile_features(candar_layer_common INTERFACE cxx_std_20)
target_compile_definitions(candar_layer_common INTERFACE BOOST_ASIO_DISABLE_STD_ALIGNED_ALLOC
  BOOST_ASIO_DISABLE_BOOST_ALIGN)
target_include_directories(candar_layer_common INTERFACE ${PROJECT_BINARY_DIR}/generated)

function(candar_layer_link from to)
  get_filename_component(parent "${to}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  file(CREATE_LINK "${from}" "${to}" SYMBOLIC)
endfunction()

macro(candar_layer name)
  cmake_parse_arguments(candar_layer_arg "" "" "FOLDERS;SHARES;LINKS;SOURCES" ${ARGN})
  set(candar_layer_view ${candar_layer_views}/${name})
  file(REMOVE_RECURSE ${candar_layer_view})
  file(MAKE_DIRECTORY ${candar_layer_view}/include/candar ${candar_layer_view}/src)
  list(APPEND candar_layer_public_folders ${candar_layer_arg_FOLDERS})
  foreach(candar_layer_folder IN LISTS candar_layer_public_folders)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include/candar/${candar_layer_folder})
      candar_layer_link(${CMAKE_CURRENT_SOURCE_DIR}/include/candar/${candar_layer_folder}
                        ${candar_layer_view}/include/candar/${candar_layer_folder})
    endif()
  endforeach()
  foreach(candar_layer_folder IN LISTS candar_layer_arg_FOLDERS)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/src/${candar_layer_folder})
      candar_layer_link(${CMAKE_CURRENT_SOURCE_DIR}/src/${candar_layer_folder}
                        ${candar_layer_view}/src/${candar_layer_folder})
    endif()
  endforeach()
  foreach(candar_layer_header IN LISTS candar_layer_shared)
    candar_layer_link(${CMAKE_CURRENT_SOURCE_DIR}/src/${candar_layer_header} ${candar_layer_view}/src/${candar_layer_header})
  endforeach()
  list(APPEND candar_layer_shared ${candar_layer_arg_SHARES})

  add_library(candar_layer_${name} OBJECT ${candar_layer_arg_SOURCES})
  target_include_directories(candar_layer_${name} PUBLIC ${candar_layer_view}/include PRIVATE ${candar_layer_view}/src)
  target_link_libraries(candar_layer_${name} PUBLIC candar_layer_common ${candar_layer_below} ${candar_layer_arg_LINKS}
    PRIVATE candar_warnings)
  # Asio's headers dominate compile time: every layer shares the lowest one's precompiled set.
  if(candar_layer_below)
    target_precompile_headers(candar_layer_${name} REUSE_FROM ${candar_layer_first})
  else()
    set(candar_layer_first candar_layer_${name})
    target_precompile_headers(candar_layer_${name} PRIVATE
      <boost/asio/awaitable.hpp> <boost/asio/co_spawn.hpp> <boost/asio/steady_timer.hpp> <boost/asio/post.hpp>)
  endif()
  list(APPEND candar_layer_objects $<TARGET_OBJECTS:candar_layer_${name}>)
  set(candar_layer_below candar_layer_${name})
endmacro()
