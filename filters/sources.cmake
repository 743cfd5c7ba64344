# Stages that decide what passes (signatures, dedupe windows and markers, compaction).
target_sources(sockfilter_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/compactor.cc
  ${CMAKE_CURRENT_LIST_DIR}/dedupe_filter.cc
  ${CMAKE_CURRENT_LIST_DIR}/header_scanner.cc
  ${CMAKE_CURRENT_LIST_DIR}/marker.cc
  ${CMAKE_CURRENT_LIST_DIR}/newline_guard.cc
  ${CMAKE_CURRENT_LIST_DIR}/peer_counter.cc
  ${CMAKE_CURRENT_LIST_DIR}/safe_replace.cc
  ${CMAKE_CURRENT_LIST_DIR}/signature.cc
  ${CMAKE_CURRENT_LIST_DIR}/signature_table.cc
)
