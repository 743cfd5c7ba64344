# Stages that decide what passes (signatures, dedupe windows and markers, compaction).
target_sources(sockfilter_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/compactor.cc
  ${CMAKE_CURRENT_LIST_DIR}/event_count_summary.cc
  ${CMAKE_CURRENT_LIST_DIR}/safe_replace.cc
)
