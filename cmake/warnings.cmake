# Project-wide warning flags; CI turns them into errors (SMSGW_WERROR).
function(smsgw_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
  if(SMSGW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
