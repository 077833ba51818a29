"""daydream record's PyTorch shim: NVTX annotations from an unmodified training script.

`arm()` waits (through an import hook) until the program has imported torch, then installs
hooks (collector-design.md 6.2; torch_hooks.py says where they differ) that mark, as NVTX
ranges the graph builder reads:
  - iterations: `dd:iteration#K`, one optimizer step each (from one step's end to the next's);
  - phases: `dd:phase:forward` (a root module's call), `dd:phase:backward`
    (`Tensor.backward` / `torch.autograd.backward`), `dd:phase:optimizer` (an optimizer step);
  - layers (`--annotate modules`, the default): `dd:module:<qualified.name>|<Class>`;
  - operators (`--annotate ops`): also PyTorch's own `emit_nvtx` ranges.
With `--iterations START:COUNT` it calls cudaProfilerStart/Stop around those steps, which is
when the collector records. It does nothing in processes without CUDA initialized (DataLoader
workers), nothing while torch.compile traces, and drops CUDA activities from a
torch.profiler.profile the script opens (one CUPTI user per process), saying so.
"""
import builtins
import sys

from daydream_shim.annotator import Annotator, parse_iteration_window

_original_import = builtins.__import__


def arm(environ):
    level = environ.get("DD_ANNOTATE", "modules")
    window = parse_iteration_window(environ.get("DD_ITERATIONS", ""))
    if level == "none" and window is None:
        return

    def importing(name, *args, **kwargs):
        module = _original_import(name, *args, **kwargs)
        if _torch_ready():
            builtins.__import__ = _original_import
            try:
                from daydream_shim.torch_hooks import install

                install(Annotator(level, window), environ)
            except Exception as error:  # never break the program being recorded
                sys.stderr.write("daydream record: PyTorch annotations are off (%s)\n" % error)
        return module

    builtins.__import__ = importing


def _torch_ready():
    """True once `import torch` has finished (not while torch imports its own submodules)."""
    torch = sys.modules.get("torch")
    if torch is None or getattr(getattr(torch, "__spec__", None), "_initializing", False):
        return False
    optimizer = sys.modules.get("torch.optim.optimizer")
    module = sys.modules.get("torch.nn.modules.module")
    return (
        optimizer is not None
        and module is not None
        and hasattr(optimizer, "register_optimizer_step_post_hook")
        and hasattr(module, "Module")
        and hasattr(torch, "cuda")
    )
