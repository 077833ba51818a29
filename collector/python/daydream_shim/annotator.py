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
        self._module_ranges = level in ("modules", "ops")
        # At `ops`, PyTorch's own backward ranges carry the sequence numbers that pair each
        # backward op with its forward op (and so its module); at `modules` nothing marks the
        # autograd thread but the shim's module backward ranges.
        self._backward_ranges = level == "modules"
        # root module -> {id(module): (class, NVTX label, leaf)}, formatted once per root
        self._labels = weakref.WeakKeyDictionary()
        self._backward_open = {}  # thread ident -> (NVTX range id, label)

    def bind(self, nvtx, profiler):
        self.nvtx = nvtx
        self.profiler = profiler

    # ---- modules and the forward phase (run on every module call: kept cheap)
    def module_entered(self, module):
        """A module's call begins; a root module (none open on this thread) names its children
        through its named_modules(). Returns the label its backward is to be marked with (a
        leaf module at `--annotate modules`: the innermost module, as in the forward), else
        None."""
        try:
            stack = self._local.stack
        except AttributeError:
            stack = self._local.stack = []
        if stack:
            labels = stack[0][1]
        else:
            self._begin_iteration_if_needed()
            labels = self._labels.get(module)
            if labels is None:
                labels = self._labels[module] = _module_labels(module.named_modules())
            self.nvtx.range_push("dd:phase:forward")
        stack.append((module, labels))
        if not self._module_ranges:
            return None
        known = labels.get(id(module))
        if known is None or known[0] is not type(module):  # added after the root was seen
            known = _module_label("", module)
        self.nvtx.range_push(known[1])
        return known[1] if self._backward_ranges and known[2] else None

    def module_left(self, module):
        stack = getattr(self._local, "stack", None)
        if not stack or stack[-1][0] is not module:
            return  # a call this thread did not see open (the shim was installed during it)
        stack.pop()
        if self._module_ranges:
            self.nvtx.range_pop()
        if not stack:
            self.nvtx.range_pop()  # dd:phase:forward

    # ---- modules' backward (`--annotate modules`)
    def module_backward_reached(self, label):
        """Autograd reached the node that made a leaf module's output: that module's backward
        runs next on this thread (one device's autograd thread runs its nodes one at a time),
        and the module backward open on this thread before it has ended. NVTX start/end ranges,
        since backward_left, which closes the last one, runs on the training thread."""
        thread = threading.get_ident()
        previous = self._backward_open.get(thread)  # one dict operation each: atomic
        if previous is not None:
            if previous[1] == label:
                return
            self.nvtx.range_end(previous[0])
        self._backward_open[thread] = (self.nvtx.range_start(label), label)

    def _end_module_backward_ranges(self):
        """At the end of backward(), after autograd's threads have run every node."""
        while self._backward_open:
            range_id, _ = self._backward_open.popitem()[1]
            self.nvtx.range_end(range_id)

    # ---- backward and optimizer phases, iterations
    def backward_entered(self):
        self._begin_iteration_if_needed()
        self.nvtx.range_push("dd:phase:backward")

    def backward_left(self):
        self._end_module_backward_ranges()
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


def _module_label(name, module):
    """(class, "dd:module:<qualified.name>|<Class>", whether it is a leaf); a root module is
    named by its class."""
    cls = type(module)
    leaf = next(iter(module.children()), None) is None
    return cls, "dd:module:%s|%s" % (name or cls.__name__, cls.__name__), leaf


def _module_labels(named_modules):
    return {id(module): _module_label(name, module) for name, module in named_modules}
