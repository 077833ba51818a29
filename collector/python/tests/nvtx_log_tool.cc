// An NVTX tool for the PyTorch shim's tests (test_torch_hooks.py). Loaded through
// NVTX_INJECTION64_PATH, it writes every range push, pop, start and end in the process to the
// file that DD_NVTX_LOG names, one per line: "<event>\t<thread id>[\t<text or range id>]".
// With it the tests see the ranges a recording would get from torch's real NVTX calls (the
// shim's and emit_nvtx's) on a machine without a GPU or CUPTI. Every library that includes NVTX
// initializes its tool on its own, so the log is opened once and shared.
#include <nvtx3/nvToolsExt.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace {

std::mutex g_mutex;
std::FILE* g_log = nullptr;
unsigned long long g_next_range_id = 0;

long thread_id() { return syscall(SYS_gettid); }

int push(const char* text) {
  std::lock_guard lock(g_mutex);
  std::fprintf(g_log, "push\t%ld\t%s\n", thread_id(), text);
  return 0;
}

int push_ex(const nvtxEventAttributes_t* attributes) {
  bool ascii = attributes && attributes->messageType == NVTX_MESSAGE_TYPE_ASCII;
  return push(ascii ? attributes->message.ascii : "(not ASCII)");
}

int pop() {
  std::lock_guard lock(g_mutex);
  std::fprintf(g_log, "pop\t%ld\n", thread_id());
  return 0;
}

nvtxRangeId_t start(const char* text) {
  std::lock_guard lock(g_mutex);
  std::fprintf(g_log, "start\t%ld\t%s\n", thread_id(), text);
  return ++g_next_range_id;
}

void end(nvtxRangeId_t id) {
  std::lock_guard lock(g_mutex);
  std::fprintf(g_log, "end\t%ld\t%llu\n", thread_id(), static_cast<unsigned long long>(id));
}

template <typename Function>
void set(NvtxFunctionTable table, unsigned size, NvtxCallbackIdCore id, Function function) {
  if (static_cast<unsigned>(id) < size) *table[id] = reinterpret_cast<NvtxFunctionPointer>(function);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(
    NvtxGetExportTableFunc_t get_export_table) {
  {
    std::lock_guard lock(g_mutex);
    const char* path = std::getenv("DD_NVTX_LOG");
    if (!g_log && path) g_log = std::fopen(path, "w");
    if (!g_log) return 0;
    std::setvbuf(g_log, nullptr, _IOLBF, 0);
  }
  auto* callbacks = static_cast<const NvtxExportTableCallbacks*>(get_export_table(NVTX_ETID_CALLBACKS));
  NvtxFunctionTable table = nullptr;
  unsigned size = 0;
  if (!callbacks || !callbacks->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &table, &size)) return 0;
  set(table, size, NVTX_CBID_CORE_RangePushA, push);
  set(table, size, NVTX_CBID_CORE_RangePushEx, push_ex);
  set(table, size, NVTX_CBID_CORE_RangePop, pop);
  set(table, size, NVTX_CBID_CORE_RangeStartA, start);
  set(table, size, NVTX_CBID_CORE_RangeEnd, end);
  return 1;
}
