// Progress: how long-running library work (reading a large trace, writing an export) says how
// far it has got, without knowing who listens. The command line's terminal progress bar
// (cli/progress_bar.h) implements it; library functions take a `Progress*` that may be null.
// Callers report every so many units (a chunk of bytes, a batch of tasks), never per event,
// and the listener decides when to draw, so reporting costs next to nothing.
#pragma once

#include <cstdint>
#include <string_view>

namespace dd {

enum class ProgressUnit : uint8_t { kBytes, kTasks };

class Progress {
 public:
  virtual ~Progress() = default;
  // A new stage ("reading trace.json", "writing out.json") of `total` units (0: unknown).
  virtual void begin(std::string_view stage, uint64_t total, ProgressUnit unit) = 0;
  // `done` units of the current stage are complete (monotonic within a stage).
  virtual void update(uint64_t done) = 0;
  // The current stage is complete.
  virtual void end() = 0;
};

// Reports one stage to a Progress that may be null: begins it on construction, ends it on
// destruction, and forwards updates only every `stride` units so hot loops can call it freely.
class ProgressStage {
 public:
  ProgressStage(Progress* progress, std::string_view stage, uint64_t total, ProgressUnit unit,
                uint64_t stride)
      : progress_(progress), stride_(stride) {
    if (progress_) progress_->begin(stage, total, unit);
  }
  ~ProgressStage() {
    if (progress_) progress_->end();
  }
  ProgressStage(const ProgressStage&) = delete;
  ProgressStage& operator=(const ProgressStage&) = delete;

  void update(uint64_t done) {
    if (!progress_ || done < next_) return;
    next_ = done + stride_;
    progress_->update(done);
  }

 private:
  Progress* progress_;
  uint64_t stride_;
  uint64_t next_ = 0;
};

}  // namespace dd
