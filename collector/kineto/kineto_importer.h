// Kineto (PyTorch profiler) JSON importer: `.json` and `.json.gz`, every format generation
// (2021 capitalised categories with `async` flows, 2022 `async_cpu_to_gpu`, current `cpu_op`/
// `ac2g`/`fwdbwd`/`python_function`/`[memory]`). Streams the file: memory holds a window of the
// text and the Trace tables, not the whole file.
#pragma once

#include <cstddef>
#include <string>

#include "collector/kineto/json_stream.h"
#include "collector/trace/progress.h"
#include "collector/trace/result.h"
#include "collector/trace/trace_builder.h"

namespace dd {

// Imports one Kineto file into the builder's trace as its own process(es). Fails (with a
// message naming the file) only when the file is unreadable, not a Kineto trace at all, or holds
// no readable event; malformed events are counted in trace.diagnostics, and a file cut short
// (truncated, damaged gzip data) loads up to the cut, with the loss counted and noted there. Reports reading, in bytes of the file on
// disk, to `progress` when given. `window_bytes`: the text held at once (JsonStream); tests pass
// tiny windows to cross every boundary.
Result<void> import_kineto_file(const std::string& path, TraceBuilder& builder,
                                Progress* progress = nullptr,
                                size_t window_bytes = JsonStream::kDefaultWindow);

}  // namespace dd
