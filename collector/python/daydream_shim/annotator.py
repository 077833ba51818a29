"""The shim's bookkeeping, free of torch so that it is unit-tested anywhere: which NVTX range
to open or close on each hook, per thread; iteration numbering; the capture window.

`nvtx` is any object with range_push(text), range_pop(), range_start(text) -> id and
range_end(id) (torch.cuda.nvtx in a real run); `profiler` has start() and stop()
(torch.cuda.profiler)."""
import threading
import weakref


def parse_iteration_window(text):
    """"START:COUNT" -> (start, count), or None when empty or malformed."""
    if not text:
        return None
    start, _, count = text.partition(":")
    if not (start.isdigit() and count.isdigit()) or int(count) < 1:
        return None
    return int(start), int(count)


class Annotator:
    def __init__(self, level, window):
        self.level = level
        self.window = window
        self.nvtx = None
        self.profiler = None
        self.step = 0  # optimizer steps completed
        self.iteration_range = None
        self.capturing = False
        self._local = threading.local()
        self._names = weakref.WeakKeyDictionary()  # root module -> {id(module): qualified name}

    def bind(self, nvtx, profiler):
        self.nvtx = nvtx
        self.profiler = profiler

    def _stack(self):
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    # ---- modules and the forward phase
    def module_entered(self, module, children):
        """`children` yields (name, module) like named_modules(); used for a root module."""
        stack = self._stack()
        if not stack:
            self._begin_iteration_if_needed()
            names = self._names.get(module)
            if names is None:
                names = {id(m): name for name, m in children()}
                self._names[module] = names
            stack.append((module, names))
            self.nvtx.range_push("dd:phase:forward")
        else:
            stack.append((module, stack[0][1]))
        if self.level in ("modules", "ops"):
            name = stack[0][1].get(id(module)) or type(module).__name__  # the root: its class
            self.nvtx.range_push("dd:module:%s|%s" % (name, type(module).__name__))

    def module_left(self, module):
        stack = self._stack()
        if not stack or stack[-1][0] is not module:
            return  # a hook we did not see open (installed mid-call)
        stack.pop()
        if self.level in ("modules", "ops"):
            self.nvtx.range_pop()
        if not stack:
            self.nvtx.range_pop()  # dd:phase:forward

    # ---- backward and optimizer phases, iterations
    def backward_entered(self):
        self._begin_iteration_if_needed()
        self.nvtx.range_push("dd:phase:backward")

    def backward_left(self):
        self.nvtx.range_pop()

    def optimizer_entered(self):
        self._begin_iteration_if_needed()
        self.nvtx.range_push("dd:phase:optimizer")

    def optimizer_left(self):
        self.nvtx.range_pop()
        if self.iteration_range is not None:
            self.nvtx.range_end(self.iteration_range)
            self.iteration_range = None
        self.step += 1
        self._update_capture()
        self._begin_iteration_if_needed()

    def _begin_iteration_if_needed(self):
        if self.iteration_range is None:
            self._update_capture()
            self.iteration_range = self.nvtx.range_start("dd:iteration#%d" % self.step)

    def _update_capture(self):
        if self.window is None:
            return
        start, count = self.window
        inside = start <= self.step < start + count
        if inside and not self.capturing:
            self.profiler.start()
            self.capturing = True
        elif not inside and self.capturing:
            self.profiler.stop()
            self.capturing = False
