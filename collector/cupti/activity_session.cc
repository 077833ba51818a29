// The CUPTI activity session of one process (see activity_session.h): buffer pool, writer
// thread, capture gating on cudaProfilerStart/Stop, and the final drain.
#include "collector/cupti/activity_session.h"

#include <cupti.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "collector/cupti/collector_writer.h"
#include "collector/cupti/guarded_writer.h"
#include "collector/cupti/record_converter.h"

namespace dd::cupti {

namespace {

constexpr size_t kBufferBytes = size_t{8} << 20;
constexpr size_t kMaxBuffers = 64;  // 512 MiB of records in flight at most
constexpr uint32_t kFlushPeriodMs = 1000;

// Entities are recorded from the start; everything else only inside the capture window.
constexpr CUpti_ActivityKind kEntityKinds[] = {CUPTI_ACTIVITY_KIND_DEVICE, CUPTI_ACTIVITY_KIND_CONTEXT,
                                               CUPTI_ACTIVITY_KIND_STREAM};
constexpr CUpti_ActivityKind kEventKinds[] = {
    CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
    CUPTI_ACTIVITY_KIND_MEMCPY2,           CUPTI_ACTIVITY_KIND_MEMSET,
    CUPTI_ACTIVITY_KIND_RUNTIME,           CUPTI_ACTIVITY_KIND_INTERNAL_LAUNCH_API,
    CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,   CUPTI_ACTIVITY_KIND_CUDA_EVENT,
    CUPTI_ACTIVITY_KIND_MARKER,            CUPTI_ACTIVITY_KIND_MEMORY2,
    CUPTI_ACTIVITY_KIND_OVERHEAD};
// Driver calls that launch, copy, record, wait or synchronize (Triton and other driver-API
// users launch this way); the rest of the driver API stays off to keep the volume down.
constexpr CUpti_CallbackId kDriverCalls[] = {
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel,          CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx,        CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch,           CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyAsync,           CUPTI_DRIVER_TRACE_CBID_cuMemcpyAsync_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyHtoDAsync_v2,    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoHAsync_v2,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoDAsync_v2,    CUPTI_DRIVER_TRACE_CBID_cuMemsetD8Async,
    CUPTI_DRIVER_TRACE_CBID_cuMemsetD32Async,        CUPTI_DRIVER_TRACE_CBID_cuEventRecord,
    CUPTI_DRIVER_TRACE_CBID_cuEventRecordWithFlags,  CUPTI_DRIVER_TRACE_CBID_cuStreamWaitEvent,
    CUPTI_DRIVER_TRACE_CBID_cuStreamSynchronize,     CUPTI_DRIVER_TRACE_CBID_cuCtxSynchronize,
    CUPTI_DRIVER_TRACE_CBID_cuEventSynchronize};

// Runtime calls that only query or set state and never launch, copy or wait. PyTorch makes
// them by the hundred per iteration (about 12 of every 13 runtime calls of a ResNet-50 step),
// and recording each costs the program time; they are left out (DD_META lists them).
constexpr CUpti_CallbackId kQuietRuntimeCalls[] = {
    CUPTI_RUNTIME_TRACE_CBID_cudaGetDevice_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaSetDevice_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetDeviceCount_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetLastError_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaPeekAtLastError_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaDeviceGetAttribute_v5000,
    CUPTI_RUNTIME_TRACE_CBID_cudaPointerGetAttributes_v4000,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamIsCapturing_v10000,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamGetCaptureInfo_v10010,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamGetCaptureInfo_v2_v11030,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamGetCaptureInfo_v12030,
    CUPTI_RUNTIME_TRACE_CBID_cudaThreadExchangeStreamCaptureMode_v10010,
    CUPTI_RUNTIME_TRACE_CBID_cudaFuncGetAttributes_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetFuncBySymbol_v11000,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetDriverEntryPoint_v11030,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetDriverEntryPointByVersion_v12050,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamGetPriority_v5050,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamGetFlags_v5050,
    CUPTI_RUNTIME_TRACE_CBID_cudaEventQuery_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamQuery_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaOccupancyMaxActiveBlocksPerMultiprocessor_v6000,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetErrorString_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaFuncSetAttribute_v9000,
};

std::string result_text(CUptiResult result) {
  const char* text = nullptr;
  cuptiGetResultString(result, &text);
  return text ? text : "CUPTI error " + std::to_string(static_cast<int>(result));
}

std::string thread_name(uint32_t tid) {
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

std::string api_name(bool driver, uint32_t cbid) {
  const char* name = nullptr;
  auto domain = driver ? CUPTI_CB_DOMAIN_DRIVER_API : CUPTI_CB_DOMAIN_RUNTIME_API;
  if (cuptiGetCallbackName(domain, cbid, &name) != CUPTI_SUCCESS || !name) return {};
  return name;
}

class Session {
 public:
  Session(const SessionSettings& settings, uint64_t t0, CollectorWriter writer)
      : settings_(settings),
        owner_(getpid()),
        converter_({t0, static_cast<uint32_t>(getpid()), api_name, thread_name}),
        writer_(std::move(writer), stderr) {
    settings_.metadata["t0"] = std::to_string(t0);
    settings_.metadata["clockSource"] = "cupti-default (CLOCK_REALTIME)";
    std::string quiet;
    for (CUpti_CallbackId cbid : kQuietRuntimeCalls) quiet += (quiet.empty() ? "" : ",") + api_name(false, cbid);
    settings_.metadata["runtimeCallsNotRecorded"] = quiet;
    thread_ = std::thread([this] { write_loop(); });
  }

  bool owned_here() const { return getpid() == owner_; }

  uint8_t* take_buffer() {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      uint8_t* buffer = free_.back();
      free_.pop_back();
      return buffer;
    }
    if (allocated_ == kMaxBuffers) {
      ++refused_buffers_;
      return nullptr;  // CUPTI drops the records and counts them
    }
    ++allocated_;
    return static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  }

  void completed(uint8_t* buffer, size_t valid) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back({buffer, valid});
    }
    ready_.notify_one();
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_one();
    thread_.join();
    RowBatch rest;
    converter_.finish(rest);
    writer_.write(rest);
    save_status();
    writer_.close();
  }

 private:
  struct Filled {
    uint8_t* data;
    size_t valid;
  };

  void write_loop() {
    for (;;) {
      Filled buffer;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;
        buffer = queue_.front();
        queue_.pop_front();
      }
      auto began = std::chrono::steady_clock::now();
      RowBatch batch;
      CUpti_Activity* record = nullptr;
      while (cuptiActivityGetNextRecord(buffer.data, buffer.valid, &record) == CUPTI_SUCCESS) {
        converter_.convert(*record, batch);
      }
      size_t dropped = 0;
      if (cuptiActivityGetNumDroppedRecords(nullptr, 0, &dropped) == CUPTI_SUCCESS) {
        dropped_ += dropped;
      }
      writer_.write(batch);
      save_status();
      busy_ += std::chrono::steady_clock::now() - began;
      std::lock_guard lock(mutex_);
      free_.push_back(buffer.data);
    }
  }

  void save_status() {
    if (writer_.failed()) return;
    auto metadata = settings_.metadata;
    metadata["recordsConverted"] = std::to_string(converter_.records());
    metadata["droppedRecords"] = std::to_string(dropped_);
    metadata["buffersRefused"] = std::to_string(refused_buffers_.load());
    metadata["cuptiOverheadNs"] = std::to_string(converter_.overhead_ns());
    metadata["writerBusyNs"] = std::to_string(
        std::chrono::duration_cast<std::chrono::nanoseconds>(busy_).count());
    Diagnostics diagnostics = converter_.diagnostics();
    diagnostics.set("cupti_records_dropped", Severity::kDataLoss, dropped_);
    writer_.write_status(metadata, diagnostics);
  }

  SessionSettings settings_;
  pid_t owner_;
  RecordConverter converter_;
  GuardedWriter writer_;  // stops at the first failed write and counts what is lost
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Filled> queue_;
  std::vector<uint8_t*> free_;
  size_t allocated_ = 0;
  bool stopping_ = false;
  std::atomic<uint64_t> refused_buffers_{0};
  uint64_t dropped_ = 0;
  std::chrono::steady_clock::duration busy_{};
};

// Lives until the process ends: CUPTI may call back on its own threads at any time.
Session* g_session = nullptr;
CUpti_SubscriberHandle g_subscriber = nullptr;

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *size = kBufferBytes;
  *max_records = 0;
  *buffer = g_session && g_session->owned_here() ? g_session->take_buffer() : nullptr;
}

void CUPTIAPI buffer_completed(CUcontext, uint32_t, uint8_t* buffer, size_t, size_t valid) {
  if (g_session && g_session->owned_here()) {
    g_session->completed(buffer, valid);
  } else {
    std::free(buffer);  // a forked child: nobody writes here
  }
}

void enable_event_kinds(bool enable) {
  for (CUpti_ActivityKind kind : kEventKinds) {
    CUptiResult result = enable ? cuptiActivityEnable(kind) : cuptiActivityDisable(kind);
    if (result != CUPTI_SUCCESS && enable) {
      std::fprintf(stderr, "daydream record: activity kind %d not recorded: %s\n",
                   static_cast<int>(kind), result_text(result).c_str());
    }
  }
  for (CUpti_CallbackId cbid : kDriverCalls) cuptiActivityEnableDriverApi(cbid, enable ? 1 : 0);
  if (enable) {
    for (CUpti_CallbackId cbid : kQuietRuntimeCalls) cuptiActivityEnableRuntimeApi(cbid, 0);
  }
}

// Capture window (DD_CAPTURE=profiler-api): events only between cudaProfilerStart and Stop.
void CUPTIAPI on_driver_call(void*, CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                             const void* data) {
  if (domain != CUPTI_CB_DOMAIN_DRIVER_API) return;
  auto* call = static_cast<const CUpti_CallbackData*>(data);
  if (cbid == CUPTI_DRIVER_TRACE_CBID_cuProfilerStart && call->callbackSite == CUPTI_API_EXIT) {
    enable_event_kinds(true);
  } else if (cbid == CUPTI_DRIVER_TRACE_CBID_cuProfilerStop &&
             call->callbackSite == CUPTI_API_ENTER) {
    cuptiActivityFlushAll(0);
    enable_event_kinds(false);
  }
}

}  // namespace

bool start_session(const SessionSettings& settings) {
  uint32_t version = 0;
  if (cuptiGetVersion(&version) != CUPTI_SUCCESS || version != CUPTI_API_VERSION) {
    std::fprintf(stderr,
                 "daydream record: the CUPTI library loaded in this process has API version %u; "
                 "this collector was built for %u and does not decode other versions' records. "
                 "Nothing is recorded.\n",
                 version, static_cast<unsigned>(CUPTI_API_VERSION));
    return false;
  }
  SessionInfo info;
  info.pid = static_cast<uint32_t>(getpid());
  info.process_name = thread_name(info.pid);
  info.rank = settings.rank;
  auto writer = CollectorWriter::create(settings.output_path, info);
  if (!writer) {
    std::fprintf(stderr, "daydream record: %s; nothing is recorded\n",
                 writer.error().message.c_str());
    return false;
  }
  cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);
  uint64_t t0 = 0;
  cuptiGetTimestamp(&t0);
  g_session = new Session(settings, t0, std::move(*writer));
  CUptiResult registered = cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed);
  if (registered != CUPTI_SUCCESS) {
    std::fprintf(stderr, "daydream record: cannot register CUPTI buffers: %s\n",
                 result_text(registered).c_str());
    return false;
  }
  bool gated = settings.metadata.contains("captureMode") &&
               settings.metadata.at("captureMode") == "profiler-api";
  if (gated) {
    CUptiResult subscribed = cuptiSubscribe(&g_subscriber, on_driver_call, nullptr);
    if (subscribed == CUPTI_SUCCESS) {
      cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_DRIVER_API,
                          CUPTI_DRIVER_TRACE_CBID_cuProfilerStart);
      cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_DRIVER_API,
                          CUPTI_DRIVER_TRACE_CBID_cuProfilerStop);
    } else {
      std::fprintf(stderr,
                   "daydream record: cannot watch cudaProfilerStart/Stop (%s; another profiler "
                   "may hold CUPTI); recording the whole run\n",
                   result_text(subscribed).c_str());
      gated = false;
    }
  }
  for (CUpti_ActivityKind kind : kEntityKinds) cuptiActivityEnable(kind);
  if (!gated) enable_event_kinds(true);
  cuptiActivityFlushPeriod(kFlushPeriodMs);
  return true;
}

void stop_session() {
  static std::once_flag once;
  if (!g_session || !g_session->owned_here()) return;
  std::call_once(once, [] {
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    g_session->stop();
  });
}

}  // namespace dd::cupti
