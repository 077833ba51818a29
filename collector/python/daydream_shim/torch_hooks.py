"""Installs the shim's hooks into torch (see the package docstring): global module forward
hooks, wrappers of Tensor.backward and torch.autograd.backward, global optimizer step hooks,
and a guard on torch.profiler.profile. Each hook first checks that this process has CUDA
initialized (DataLoader workers have not) and that torch.compile is not tracing."""
import functools
import os
import sys


def install(annotator, environ):
    import torch

    annotator.bind(torch.cuda.nvtx, torch.cuda.profiler)
    pid = os.getpid()
    compiling = getattr(getattr(torch, "compiler", None), "is_compiling", lambda: False)
    ops_entered = []

    def active():
        return os.getpid() == pid and torch.cuda.is_initialized() and not compiling()

    def enter_ops_level():
        if annotator.level == "ops" and not ops_entered:
            context = torch.autograd.profiler.emit_nvtx()
            context.__enter__()
            ops_entered.append(context)

    def forward_pre(module, args):
        if active():
            enter_ops_level()
            annotator.module_entered(module, module.named_modules)

    def forward_post(module, args, output):
        if active():
            annotator.module_left(module)

    hooks = sys.modules["torch.nn.modules.module"]
    hooks.register_module_forward_pre_hook(forward_pre)
    try:
        hooks.register_module_forward_hook(forward_post, always_call=True)
    except TypeError:  # torch before 2.1
        hooks.register_module_forward_hook(forward_post)

    def backward_phase(function):
        @functools.wraps(function)
        def wrapped(*args, **kwargs):
            if not active():
                return function(*args, **kwargs)
            annotator.backward_entered()
            try:
                return function(*args, **kwargs)
            finally:
                annotator.backward_left()

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
