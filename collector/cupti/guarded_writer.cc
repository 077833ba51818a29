// The collector's writes and its policy for a failing disk (see guarded_writer.h).
#include "collector/cupti/guarded_writer.h"

#include <utility>

namespace dd::cupti {

namespace {

size_t row_count(const RowBatch& batch) {
  return batch.strings.size() + batch.threads.size() + batch.devices.size() +
         batch.streams.size() + batch.api_calls.size() + batch.kernels.size() +
         batch.memcpys.size() + batch.memsets.size() + batch.syncs.size() +
         batch.cuda_events.size() + batch.memory.size() + batch.nvtx_ranges.size();
}

}  // namespace

GuardedWriter::GuardedWriter(CollectorWriter writer, std::FILE* messages)
    : writer_(std::move(writer)), messages_(messages) {}

void GuardedWriter::write(const RowBatch& batch) {
  if (!failed()) {
    auto written = writer_.write(batch);
    if (written) return;
    fail(written.error().message);
  }
  ++lost_batches_;
  lost_rows_ += row_count(batch);
}

void GuardedWriter::write_status(const std::map<std::string, std::string>& metadata,
                                 const Diagnostics& diagnostics) {
  if (failed()) return;
  if (auto written = writer_.write_status(metadata, diagnostics); !written) {
    fail(written.error().message);
  }
}

void GuardedWriter::close() {
  if (!failed()) {
    if (auto closed = writer_.close(); !closed) fail(closed.error().message);
    return;
  }
  std::fprintf(messages_,
               "daydream record: after the write failure, %llu batches of records (%llu rows) "
               "were not written, and DD_META's counters stop at the last write before it\n",
               static_cast<unsigned long long>(lost_batches_),
               static_cast<unsigned long long>(lost_rows_));
}

void GuardedWriter::fail(const std::string& message) {
  failure_ = message;
  std::fprintf(messages_, "daydream record: %s; the trace keeps what was written before\n",
               message.c_str());
}

}  // namespace dd::cupti
