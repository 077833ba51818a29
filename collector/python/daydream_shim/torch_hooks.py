"""Installs the shim into torch (see the package docstring): a wrapper of nn.Module.__call__
(which, at `--annotate modules`, also puts a pre-hook on the autograd node that made each leaf
module's output, to mark where that module's backward begins), wrappers of Tensor.backward and
torch.autograd.backward, global optimizer step hooks, and a guard on torch.profiler.profile.
Each checks that torch.compile is not tracing and that this process has CUDA initialized
(DataLoader workers have not).

Modules are annotated by wrapping nn.Module.__call__, not with the global forward hooks that
collector-design.md 6.2 names: any global hook takes every module call off PyTorch's hook-free
fast path, which costs more than the annotation itself, and on a launch-bound model that CPU
time is iteration time (bench/collector/shim_hook_cost.py measures it; bench/README.md has the
numbers). For the same reason the wrapper does as little as it can: the CUDA check is
remembered once true (and forgotten in a forked child), labels are formatted once per root
module, and NVTX is called without torch.cuda.nvtx's Python wrappers where torch has its
native module. While torch.compile traces, the wrapper only calls torch's own __call__ (its
first check is torch.compiler.is_compiling(), which dynamo answers without tracing further)."""
import functools
import os
import sys
import threading
import types


def install(annotator, environ):
    import torch

    annotator.bind(_nvtx_calls(torch), torch.cuda.profiler)
    compiling = getattr(getattr(torch, "compiler", None), "is_compiling", lambda: False)
    cuda_seen = False
    ops_pending = annotator.level == "ops"
    ops_context = None  # emit_nvtx, entered once and kept for the life of the process

    def cuda_in_this_process():
        nonlocal cuda_seen
        if not cuda_seen:
            cuda_seen = torch.cuda.is_initialized()  # False in a child forked after CUDA init
        return cuda_seen

    def forget_cuda():  # a forked child (a DataLoader worker) records nothing
        nonlocal cuda_seen
        cuda_seen = False

    os.register_at_fork(after_in_child=forget_cuda)

    def active():
        return not compiling() and (cuda_seen or cuda_in_this_process())

    def enter_ops_level():  # PyTorch's per-op ranges, from the training thread's first module
        nonlocal ops_pending, ops_context
        ops_pending = False
        try:
            context = torch.autograd.profiler.emit_nvtx()
            context.__enter__()
            ops_context = context
        except Exception as error:  # never break the program being recorded
            sys.stderr.write("daydream record: per-operator ranges are off (%s)\n" % error)

    module_class = torch.nn.Module
    call_module = module_class.__call__  # torch's own, with its hook-free fast path

    @functools.wraps(call_module)
    def annotated_call(module, *args, **kwargs):
        if not active():
            return call_module(module, *args, **kwargs)
        if ops_pending:
            enter_ops_level()
        backward_label = annotator.module_entered(module)
        if backward_label is None:
            try:
                return call_module(module, *args, **kwargs)
            finally:
                annotator.module_left(module)
        # A leaf's backward is marked by a pre-hook on the autograd node that made its output:
        # autograd runs it where the module's backward begins. A module that made no node of
        # its own (nn.Identity, dropout off) is not marked: the node is its input's, another
        # module's backward. The input's node is read before the call, which an in-place
        # module (ReLU(inplace=True)) replaces.
        made_before = getattr(args[0], "grad_fn", None) if args else None
        try:
            output = call_module(module, *args, **kwargs)
        finally:
            annotator.module_left(module)
        node = _grad_fn_of(output)
        if node is not None and node is not made_before:  # no_grad outputs have no node
            node.register_prehook(
                lambda grad_outputs: annotator.module_backward_reached(backward_label))
        return output

    module_class.__call__ = annotated_call

    in_backward = threading.local()  # Tensor.backward calls torch.autograd.backward: one phase

    def backward_phase(function):
        @functools.wraps(function)
        def wrapped(*args, **kwargs):
            if getattr(in_backward, "active", False) or not active():
                return function(*args, **kwargs)
            in_backward.active = True
            annotator.backward_entered()
            try:
                return function(*args, **kwargs)
            finally:
                annotator.backward_left()
                in_backward.active = False

        return wrapped

    torch.Tensor.backward = backward_phase(torch.Tensor.backward)
    torch.autograd.backward = backward_phase(torch.autograd.backward)

    optimizer = sys.modules["torch.optim.optimizer"]
    optimizer.register_optimizer_step_pre_hook(
        lambda opt, args, kwargs: annotator.optimizer_entered() if active() else None)
    optimizer.register_optimizer_step_post_hook(
        lambda opt, args, kwargs: annotator.optimizer_left() if active() else None)

    if environ.get("DD_ALLOW_TORCH_PROFILER") != "1":
        _drop_cuda_from_torch_profiler(torch)


def _grad_fn_of(output):
    """The autograd node that made a module's tensor output (the first tensor of a tuple or
    list, as an LSTM returns), or None."""
    if isinstance(output, (tuple, list)) and output:
        output = output[0]
    return getattr(output, "grad_fn", None)


def _nvtx_calls(torch):
    """range_push/range_pop/range_start/range_end: torch's native NVTX functions when torch was
    built with them (torch.cuda.nvtx wraps each in a Python function), else torch.cuda.nvtx."""
    nvtx = torch.cuda.nvtx
    native = getattr(nvtx, "_nvtx", None)
    names = ("rangePushA", "rangePop", "rangeStartA", "rangeEnd")
    if not isinstance(native, types.ModuleType) or not all(hasattr(native, n) for n in names):
        return nvtx
    return types.SimpleNamespace(range_push=native.rangePushA, range_pop=native.rangePop,
                                 range_start=native.rangeStartA, range_end=native.rangeEnd)


def _drop_cuda_from_torch_profiler(torch):
    profile = torch.profiler.profile
    original_init = profile.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        cuda = torch.profiler.ProfilerActivity.CUDA
        activities = kwargs.get("activities")
        if activities is None:  # torch's default: every supported activity, CUDA included
            activities = torch.profiler.supported_activities()
        if cuda in activities:
            kwargs["activities"] = [a for a in activities if a != cuda]
            sys.stderr.write(
                "daydream record: torch.profiler's CUDA activities are off while recording "
                "(one CUPTI user per process); set DD_ALLOW_TORCH_PROFILER=1 to keep them\n")
        original_init(self, *args, **kwargs)

    profile.__init__ = init
