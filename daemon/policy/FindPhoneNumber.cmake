# FindPhoneNumber: Google's libphonenumber as Debian 12 ships it (libphonenumber-dev
# 8.12.57), which has neither a CMake package nor a .pc file. Defines the imported
# target PhoneNumber::PhoneNumber.
#
# What it needs: libphonenumber.so carries DT_NEEDED entries for protobuf, ICU and
# Abseil, so linking it alone resolves its own symbols. Its public headers, though,
# include protobuf's generated-message headers (phonenumber.pb.h) and Abseil's hash
# containers, whose inline code may reference those libraries directly; protobuf is
# therefore linked too (via its .pc file), and the headers of all three must exist.
# Boost is not needed: Debian builds it with USE_BOOST=OFF (std::mutex, no boost libs
# in its ldd).
find_path(PhoneNumber_INCLUDE_DIR phonenumbers/phonenumberutil.h)
find_library(PhoneNumber_LIBRARY NAMES phonenumber)
find_path(PhoneNumber_ABSL_INCLUDE_DIR absl/container/node_hash_map.h)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PhoneNumber_PROTOBUF QUIET IMPORTED_TARGET protobuf)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PhoneNumber
  REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_INCLUDE_DIR PhoneNumber_ABSL_INCLUDE_DIR)

if(PhoneNumber_FOUND AND NOT TARGET PhoneNumber::PhoneNumber)
  add_library(PhoneNumber::PhoneNumber UNKNOWN IMPORTED)
  set_target_properties(PhoneNumber::PhoneNumber PROPERTIES
    IMPORTED_LOCATION "${PhoneNumber_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR};${PhoneNumber_ABSL_INCLUDE_DIR}")
  if(TARGET PkgConfig::PhoneNumber_PROTOBUF)
    set_property(TARGET PhoneNumber::PhoneNumber APPEND PROPERTY
      INTERFACE_LINK_LIBRARIES PkgConfig::PhoneNumber_PROTOBUF)
  endif()
endif()
mark_as_advanced(PhoneNumber_INCLUDE_DIR PhoneNumber_LIBRARY PhoneNumber_ABSL_INCLUDE_DIR)
