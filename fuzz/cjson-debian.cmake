# cJSON for fuzz builds, from Debian's own source package.
#
# Debian's libcjson is not instrumented: libFuzzer would see no coverage inside
# it and ASan no overflow.  Upstream 1.7.15 lacks Debian's CVE fixes (it crashes
# in parse_object within seconds of fuzzing), so the source comes from the same
# Debian release the machine runs: `apt-get source cjson` into
# ${CMAKE_BINARY_DIR}/_deps at configure time, once.  A deb-src entry is added
# under /etc/apt/sources.list.d/ when the machine has none.  Never committed.
#
# Result: APIHARNESS_CJSON_SOURCE_DIR (the unpacked tree, cJSON.c at its top)
# and APIHARNESS_CJSON_INCLUDE_DIR (a directory holding cjson/cJSON.h, so
# `#include <cjson/cJSON.h>` finds this copy before /usr/include).

set(APIHARNESS_CJSON_DEBIAN_RELEASE "" CACHE STRING
    "Debian release whose cJSON source package fuzz builds use (empty: the machine's own, else bookworm)")
set(APIHARNESS_CJSON_SOURCE_DIR "" CACHE PATH
    "An unpacked Debian cJSON source tree to use instead of fetching one (ClusterFuzzLite's image does)")

set(_deps ${CMAKE_BINARY_DIR}/_deps)
file(MAKE_DIRECTORY ${_deps})

function(_apiharness_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "fuzz: '${cmd}' failed (${rc}): ${err}")
  endif()
endfunction()

if(APIHARNESS_CJSON_SOURCE_DIR)
  if(NOT EXISTS ${APIHARNESS_CJSON_SOURCE_DIR}/cJSON.c)
    message(FATAL_ERROR "fuzz: APIHARNESS_CJSON_SOURCE_DIR=${APIHARNESS_CJSON_SOURCE_DIR} holds no cJSON.c")
  endif()
  set(_found ${APIHARNESS_CJSON_SOURCE_DIR}/cJSON.c)
else()
  file(GLOB _found LIST_DIRECTORIES true ${_deps}/cjson-*/cJSON.c)
endif()
if(NOT _found)
  # Root runs apt-get itself; anyone else needs sudo.
  execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(_sudo "")
  if(NOT _uid STREQUAL "0")
    find_program(_sudo_prog sudo)
    if(NOT _sudo_prog)
      message(FATAL_ERROR "fuzz: cJSON source missing from ${_deps} and not root (no sudo): "
                          "run `apt-get source cjson` in ${_deps} by hand")
    endif()
    set(_sudo ${_sudo_prog})
  endif()
  find_program(_dpkg_source dpkg-source)
  if(NOT _dpkg_source)
    message(FATAL_ERROR "fuzz: dpkg-source (package dpkg-dev) is needed to unpack cJSON's source package")
  endif()

  # The release the machine runs (bookworm): source must match the binary packages.
  set(_codename "${APIHARNESS_CJSON_DEBIAN_RELEASE}")
  if(NOT _codename AND EXISTS /etc/os-release)
    file(STRINGS /etc/os-release _id REGEX "^ID=")
    file(STRINGS /etc/os-release _cn REGEX "^VERSION_CODENAME=")
    if(_id MATCHES "^ID=\"?debian\"?$")
      string(REGEX REPLACE "^VERSION_CODENAME=\"?([a-z]+)\"?$" "\\1" _codename "${_cn}")
    endif()
  endif()
  if(NOT _codename)
    set(_codename bookworm) # not Debian: the release this project is built on
  endif()

  # A deb-src entry for that release, only when the machine has none at all.
  execute_process(COMMAND sh -c "grep -rsqE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/"
                  RESULT_VARIABLE _has_src)
  if(NOT _has_src EQUAL 0)
    set(_list /etc/apt/sources.list.d/apiharness-deb-src.sources)
    message(STATUS "fuzz: adding a deb-src entry for ${_codename} in ${_list}")
    set(_text "# Added by apiharness (fuzz/cjson-debian.cmake): Debian source packages, for\n"
              "# `apt-get source cjson` in fuzz builds.\n"
              "Types: deb-src\nURIs: http://deb.debian.org/debian\n"
              "Suites: ${_codename} ${_codename}-updates\nComponents: main\n"
              "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
              "Types: deb-src\nURIs: http://deb.debian.org/debian-security\n"
              "Suites: ${_codename}-security\nComponents: main\n"
              "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
    string(JOIN "" _text ${_text})
    file(WRITE ${_deps}/apiharness-deb-src.sources "${_text}")
    _apiharness_run(${_sudo} cp ${_deps}/apiharness-deb-src.sources ${_list})
    _apiharness_run(${_sudo} apt-get update -qq)
  endif()

  # The same version as the installed libcjson-dev when there is one, so the
  # header matches; otherwise whatever the release carries.
  execute_process(COMMAND dpkg-query -W -f=\${Version} libcjson-dev
                  OUTPUT_VARIABLE _ver RESULT_VARIABLE _qrc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  set(_pkg cjson)
  if(_qrc EQUAL 0 AND _ver)
    set(_pkg "cjson=${_ver}")
  endif()
  message(STATUS "fuzz: apt-get source ${_pkg} into ${_deps}")
  execute_process(COMMAND apt-get source -qq ${_pkg} WORKING_DIRECTORY ${_deps}
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 0 AND NOT _pkg STREQUAL "cjson")
    # The exact version may have left the archive: any version of this release.
    execute_process(COMMAND apt-get source -qq cjson WORKING_DIRECTORY ${_deps}
                    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fuzz: apt-get source cjson failed (${rc}): ${err}")
  endif()
  file(GLOB _found LIST_DIRECTORIES true ${_deps}/cjson-*/cJSON.c)
  if(NOT _found)
    message(FATAL_ERROR "fuzz: apt-get source cjson left no cjson-*/cJSON.c in ${_deps}")
  endif()
endif()

list(SORT _found)
list(GET _found -1 _cjson_c)
get_filename_component(APIHARNESS_CJSON_SOURCE_DIR ${_cjson_c} DIRECTORY)
set(APIHARNESS_CJSON_INCLUDE_DIR ${_deps}/cjson-include)
configure_file(${APIHARNESS_CJSON_SOURCE_DIR}/cJSON.h ${APIHARNESS_CJSON_INCLUDE_DIR}/cjson/cJSON.h COPYONLY)
message(STATUS "fuzz: cJSON from ${APIHARNESS_CJSON_SOURCE_DIR}")
