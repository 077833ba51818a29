// Phases and layers of hand-built traces in the shapes each trace generation records: op calls
// as layers where no module range exists, backward found through sequence numbers, and through
// autograd's execution order where the trace records neither numbers nor links (Kineto 2021);
// and the name rules behind them (range_names.h).
#include "graph/layer_units.h"

#include <catch2/catch.hpp>
#include <string>

#include "collector/trace/iterations.h"
#include "collector/trace/trace_builder.h"
#include "graph/graph_builder.h"
#include "graph/range_names.h"
#include "trace_maker.h"

namespace {

using dd::Phase;
using dd::RangeKind;
using dd::test::TraceMaker;

using dd::test::task_of_op;

// A trace with a training thread and an autograd thread; kernel i is GPU op row i, launched
// by correlation i + 1 from inside the op call that call() opens.
struct TwoThreads : TraceMaker {
  uint32_t autograd = builder.thread(process, 200);
  uint32_t kernels = 0;

  // An op call [start, start + 100) on `thread` (with `inner` nested in it when given, twice
  // when `twice`, as PyTorch 1.8 records a dispatched op) launching one kernel.
  void call(uint32_t thread, const char* name, dd::TimeNs start, const char* inner = nullptr,
            bool twice = false, int64_t sequence = -1) {
    range(thread, name, start, start + 100, RangeKind::kFrameworkOp, sequence);
    if (inner != nullptr) range(thread, inner, start + 10, start + 90, RangeKind::kFrameworkOp);
    if (inner != nullptr && twice) range(thread, inner, start + 20, start + 80, RangeKind::kFrameworkOp);
    uint64_t correlation = ++kernels;
    api(thread, "cudaLaunchKernel", start + 30, start + 40, correlation);
    kernel("k", start + 50, start + 60, correlation, stream);
  }

  dd::Graph build() {
    dd::finish_trace(trace);
    auto graph = dd::build_graph(trace);
    REQUIRE(graph);
    return std::move(*graph);
  }
};

std::string layer_of_kernel(const dd::Graph& g, uint32_t row) {
  return std::string(g.str(g.layer[task_of_op(g, row)]));
}

}  // namespace

TEST_CASE("Range names: autograd nodes, their keys and module types across generations",
          "[graph][attribution]") {
  for (const char* node : {"CudnnConvolutionBackward", "MeanBackward1", "ConvolutionBackward0",
                           "torch::autograd::AccumulateGrad", "torch::autograd::CopyBackwards",
                           "autograd::engine::evaluate_function: AddmmBackward0"}) {
    INFO(node);
    CHECK(dd::is_autograd_node(node));
    CHECK(dd::phase_mark(RangeKind::kFrameworkOp, node) == dd::PhaseMark::kBackward);
  }
  for (const char* op : {"aten::convolution_backward", "RegisterPostBackwardFunction",
                         "aten::conv2d", "Backward"}) {
    INFO(op);
    CHECK_FALSE(dd::is_autograd_node(op));
  }
  CHECK(dd::phase_mark(RangeKind::kPythonFunction, "torch/_tensor.py(522): backward") ==
        dd::PhaseMark::kBackward);
  CHECK(dd::phase_mark(RangeKind::kPythonFunction, "train.py(10): forward") ==
        dd::PhaseMark::kUnmarked);
  CHECK(dd::phase_mark(RangeKind::kUserAnnotation, "Optimizer.step#SGD.step") ==
        dd::PhaseMark::kOptimizer);
  CHECK(dd::phase_mark(RangeKind::kFrameworkOp,
                       "enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__") ==
        dd::PhaseMark::kData);

  CHECK(dd::autograd_node_key("CudnnConvolutionBackward") == "cudnnconvolution");
  CHECK(dd::forward_op_key("aten::cudnn_convolution") == "cudnnconvolution");
  CHECK(dd::autograd_node_key("MaxPool2DWithIndicesBackward0") ==
        dd::forward_op_key("aten::max_pool2d_with_indices"));
  CHECK(dd::autograd_node_key("ReluBackward1") == dd::forward_op_key("aten::relu_"));
  CHECK(dd::autograd_node_key("torch::autograd::AccumulateGrad").empty());
  CHECK(dd::is_gradient_accumulation("autograd::engine::evaluate_function: "
                                     "torch::autograd::AccumulateGrad"));

  CHECK(dd::module_type(RangeKind::kPythonFunction, "nn.Module: Qwen2Attention_13") ==
        "Qwen2Attention");
  CHECK(dd::module_type(RangeKind::kNvtx, "dd:module:layer4.2.conv3|Conv2d") == "Conv2d");
  CHECK(dd::module_name(RangeKind::kNvtx, "dd:module:layer4.2.conv3|Conv2d") == "layer4.2.conv3");
  CHECK(dd::op_unit_name("aten::conv2d", 7) == "conv2d #7");
  CHECK(dd::op_unit_name("flash_attn::fwd", 1) == "flash_attn::fwd #1");
}

TEST_CASE("A Kineto 2021 trace: backward by the autograd thread, layers by autograd's order",
          "[graph][attribution]") {
  // No iteration markers, no sequence numbers, no fwdbwd links. Forward: conv2d (its node
  // created by the nested, twice recorded aten::cudnn_convolution), relu_, conv2d. Backward
  // runs the nodes in reverse: the last conv's first, then AccumulateGrad for its weight.
  TwoThreads m;
  m.call(m.main_thread, "aten::conv2d", 0, "aten::cudnn_convolution", true);  // kernel 0
  m.call(m.main_thread, "aten::relu_", 200);                                  // kernel 1
  m.call(m.main_thread, "aten::conv2d", 400, "aten::cudnn_convolution", true);  // kernel 2
  m.call(m.autograd, "CudnnConvolutionBackward", 1000);        // kernel 3: conv2d #2's
  m.call(m.autograd, "torch::autograd::AccumulateGrad", 1200);  // kernel 4: conv2d #2's weight
  m.call(m.autograd, "ReluBackward1", 1400);                   // kernel 5: relu_ #1's
  m.call(m.autograd, "CudnnConvolutionBackward", 1600);        // kernel 6: conv2d #1's
  dd::Graph g = m.build();
  for (uint32_t k = 0; k < 3; ++k) CHECK(g.phase[task_of_op(g, k)] == Phase::kForward);
  for (uint32_t k = 3; k < 7; ++k) CHECK(g.phase[task_of_op(g, k)] == Phase::kBackward);
  CHECK(layer_of_kernel(g, 0) == "conv2d #1");
  CHECK(layer_of_kernel(g, 1) == "relu_ #1");
  CHECK(layer_of_kernel(g, 2) == "conv2d #2");
  CHECK(layer_of_kernel(g, 3) == "conv2d #2");
  CHECK(layer_of_kernel(g, 4) == "conv2d #2");
  CHECK(layer_of_kernel(g, 5) == "relu_ #1");
  CHECK(layer_of_kernel(g, 6) == "conv2d #1");
  CHECK(g.str(g.layer_types.at(g.layer[task_of_op(g, 0)])) == "conv2d");
  CHECK(g.diagnostics.count("backward_calls_unpaired") == 0);
}

TEST_CASE("Autograd-order pairing needs as many forward ops as backward nodes of a kind",
          "[graph][attribution]") {
  // Two aten::add calls but one AddBackward0 (one add had no input needing a gradient): which
  // one created the node is unknown, so its backward stays unattributed and is counted; the
  // relu pairs.
  TwoThreads m;
  m.call(m.main_thread, "aten::add", 0);       // kernel 0
  m.call(m.main_thread, "aten::relu", 200);    // kernel 1
  m.call(m.main_thread, "aten::add", 400);     // kernel 2
  m.call(m.autograd, "AddBackward0", 1000);    // kernel 3
  m.call(m.autograd, "ReluBackward0", 1200);   // kernel 4
  dd::Graph g = m.build();
  CHECK(layer_of_kernel(g, 3).empty());
  CHECK(layer_of_kernel(g, 4) == "relu #1");
  CHECK(g.diagnostics.count("backward_calls_unpaired") == 1);
}

TEST_CASE("Each backward pass pairs with the forward pass before it", "[graph][attribution]") {
  // Two iterations without markers: forward conv, backward, forward conv, backward. Numbering
  // runs through the trace (no iteration to restart it in), and each backward node takes the
  // conv of its own pass.
  TwoThreads m;
  m.call(m.main_thread, "aten::conv2d", 0, "aten::cudnn_convolution");       // kernel 0
  m.call(m.autograd, "CudnnConvolutionBackward", 200);                      // kernel 1
  m.call(m.main_thread, "aten::conv2d", 400, "aten::cudnn_convolution");     // kernel 2
  m.call(m.autograd, "CudnnConvolutionBackward", 600);                      // kernel 3
  dd::Graph g = m.build();
  CHECK(layer_of_kernel(g, 1) == "conv2d #1");
  CHECK(layer_of_kernel(g, 3) == "conv2d #2");
}

TEST_CASE("A sequence number names the forward op that started last with it",
          "[graph][attribution]") {
  // aten::to and aten::linear both run while the autograd counter is at 5; the node is created
  // in aten::linear (the counter moves on after it), so backward seq 5 is linear's.
  TwoThreads m;
  m.range(m.main_thread, "ProfilerStep#1", 0, 2000, RangeKind::kUserAnnotation);
  m.call(m.main_thread, "aten::to", 100, nullptr, false, 5);                 // kernel 0
  m.call(m.main_thread, "aten::linear", 300, "aten::addmm", false, 5);       // kernel 1
  m.call(m.autograd, "autograd::engine::evaluate_function: AddmmBackward0", 1000, nullptr,
         false, 5);                                                         // kernel 2
  dd::Graph g = m.build();
  REQUIRE(g.iterations.size() == 1);
  CHECK(layer_of_kernel(g, 0) == "to #1");
  CHECK(layer_of_kernel(g, 1) == "linear #1");
  CHECK(layer_of_kernel(g, 2) == "linear #1");
  CHECK(g.phase[task_of_op(g, 2)] == Phase::kBackward);
}

TEST_CASE("Op calls inside a module keep the module's layer; those outside become units",
          "[graph][attribution]") {
  TwoThreads m;
  m.range(m.main_thread, "nn.Module: Linear_0", 0, 150, RangeKind::kPythonFunction);
  m.call(m.main_thread, "aten::linear", 20);                 // kernel 0: in Linear_0
  m.call(m.main_thread, "aten::cross_entropy_loss", 300);    // kernel 1: no module
  dd::Graph g = m.build();
  CHECK(layer_of_kernel(g, 0) == "Linear_0");
  CHECK(g.str(g.layer_types.at(g.layer[task_of_op(g, 0)])) == "Linear");
  CHECK(layer_of_kernel(g, 1) == "cross_entropy_loss #1");
}

TEST_CASE("The training thread waiting for backward is in backward", "[graph][attribution]") {
  // Main thread: a forward call, then nothing until its next call at 3000 (blocked in
  // backward() while the autograd thread runs [1000, 1300)), then the optimizer step. The CPU
  // work between its calls whose middle falls in the backward pass is backward; the work
  // around the optimizer step is not.
  TwoThreads m;
  m.call(m.main_thread, "aten::relu", 0);
  m.call(m.autograd, "ReluBackward0", 1000);
  m.call(m.autograd, "torch::autograd::AccumulateGrad", 1200);
  m.range(m.main_thread, "Optimizer.step#SGD.step", 1400, 1600, RangeKind::kUserAnnotation);
  m.api(m.main_thread, "cudaLaunchKernel", 1450, 1460, 99);
  dd::Graph g = m.build();
  dd::ResourceId main = dd::kNone;
  for (dd::ResourceId r = 0; r < g.resources.size(); ++r) {
    if (g.resources[r].kind == dd::ResourceKind::kCpuThread && g.resources[r].trace_index == m.main_thread) {
      main = r;
    }
  }
  REQUIRE(main != dd::kNone);
  // Tasks on the main thread: launch [30,40], work [40,1450) (middle 745: before backward),
  // launch [1450,1460] in the optimizer step.
  dd::TaskId waiting = g.next_on_resource[g.resources[main].first];
  REQUIRE(g.kind[waiting] == dd::TaskKind::kCpuWork);
  CHECK(g.phase[waiting] == Phase::kForward);
  CHECK(g.phase[g.resources[main].last] == Phase::kOptimizer);

  // Move the main thread's wait into the backward pass: its next call comes at 2000, so the
  // work [40, 2000) has its middle (1020) inside [1000, 1300).
  TwoThreads late;
  late.call(late.main_thread, "aten::relu", 0);
  late.call(late.autograd, "ReluBackward0", 1000);
  late.call(late.autograd, "ReluBackward0", 1200);
  late.api(late.main_thread, "cudaStreamSynchronize", 2000, 2010);
  dd::Graph h = late.build();
  for (dd::ResourceId r = 0; r < h.resources.size(); ++r) {
    if (h.resources[r].kind != dd::ResourceKind::kCpuThread || h.resources[r].trace_index != late.main_thread) {
      continue;
    }
    dd::TaskId work = h.next_on_resource[h.resources[r].first];
    REQUIRE(h.kind[work] == dd::TaskKind::kCpuWork);
    CHECK(h.phase[work] == Phase::kBackward);
  }
}

TEST_CASE("An iteration lasts from its marker's start to the next one's, like its time",
          "[graph][attribution]") {
  // Iterations marked by the optimizer step alone (--iteration-marker): the forward call
  // between two steps belongs to the iteration between them, as iteration_times() counts it;
  // it was outside every iteration (phase other) when only the marker's own span counted. What
  // follows the last step is a partial iteration, outside (collector/trace/iterations.h).
  TwoThreads m;
  m.range(m.main_thread, "Optimizer.step#SGD.step", 0, 100, RangeKind::kUserAnnotation);
  m.call(m.main_thread, "aten::relu", 200);                // kernel 0
  m.range(m.main_thread, "Optimizer.step#SGD.step", 400, 500, RangeKind::kUserAnnotation);
  m.call(m.main_thread, "aten::relu", 600);                // kernel 1: after the last marker
  dd::finish_trace(m.trace);
  dd::detect_iterations(m.trace, "Optimizer.step#SGD.step");
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  REQUIRE(g.iterations.size() == 1);
  dd::TaskId between = task_of_op(g, 0), after = task_of_op(g, 1);
  CHECK(g.iteration[between] == 0);
  CHECK(g.phase[between] == Phase::kForward);
  CHECK(g.str(g.layer[between]) == "relu #1");
  CHECK(g.iteration[after] == -1);  // after the last marker
  CHECK(g.phase[after] == Phase::kOther);
}
