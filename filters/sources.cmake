# Stages that decide what passes (signatures, dedupe windows and markers, compaction).
