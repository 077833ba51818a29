"""Unit tests of the PyTorch shim's bookkeeping (daydream_shim.annotator), without torch."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from daydream_shim.annotator import Annotator, parse_iteration_window  # noqa: E402


class FakeNvtx:
    def __init__(self):
        self.log = []
        self.depth = 0
        self.next_id = 0

    def range_push(self, text):
        self.log.append(("push", text))
        self.depth += 1

    def range_pop(self):
        self.log.append(("pop",))
        self.depth -= 1

    def range_start(self, text):
        self.next_id += 1
        self.log.append(("start", text, self.next_id))
        return self.next_id

    def range_end(self, range_id):
        self.log.append(("end", range_id))


class FakeProfiler:
    def __init__(self):
        self.calls = []

    def start(self):
        self.calls.append("start")

    def stop(self):
        self.calls.append("stop")


class Module:
    def children(self):
        return []


class Linear(Module):
    pass


class Net(Module):
    def __init__(self):
        self.fc = Linear()
        self.named_modules_calls = 0

    def children(self):
        return [self.fc]

    def named_modules(self):
        self.named_modules_calls += 1
        return [("", self), ("fc", self.fc)]


def forward(annotator, net):
    """Runs the forward; returns the backward labels module_entered gave (the root's, then
    the leaf's)."""
    labels = [annotator.module_entered(net)]
    labels.append(annotator.module_entered(net.fc))  # not a root: its children are not asked
    annotator.module_left(net.fc)
    annotator.module_left(net)
    return labels


def train_step(annotator, net):
    forward(annotator, net)
    annotator.backward_entered()
    annotator.backward_left()
    annotator.optimizer_entered()
    annotator.optimizer_left()


class AnnotatorTest(unittest.TestCase):
    def make(self, level="modules", window=None):
        annotator = Annotator(level, window)
        nvtx, profiler = FakeNvtx(), FakeProfiler()
        annotator.bind(nvtx, profiler)
        return annotator, nvtx, profiler

    def test_layers_phases_and_iterations(self):
        annotator, nvtx, _ = self.make()
        net = Net()
        train_step(annotator, net)
        train_step(annotator, net)
        texts = [entry[1] for entry in nvtx.log if entry[0] in ("push", "start")]
        self.assertEqual(texts[:6], ["dd:iteration#0", "dd:phase:forward", "dd:module:Net|Net",
                                     "dd:module:fc|Linear", "dd:phase:backward",
                                     "dd:phase:optimizer"])
        self.assertIn("dd:iteration#1", texts)
        self.assertEqual(nvtx.depth, 0)  # every push popped
        # Iteration 0 ends at the first step's end, where iteration 1 starts.
        ends = [entry for entry in nvtx.log if entry[0] in ("end", "start")]
        self.assertEqual(ends[:3], [("start", "dd:iteration#0", 1), ("end", 1),
                                    ("start", "dd:iteration#1", 2)])

    def test_no_layers_without_module_annotation(self):
        annotator, nvtx, _ = self.make(level="none")
        forward(annotator, Net())
        self.assertNotIn(("push", "dd:module:fc|Linear"), nvtx.log)
        self.assertIn(("push", "dd:phase:forward"), nvtx.log)

    def test_capture_window_covers_the_requested_steps(self):
        annotator, _, profiler = self.make(window=(2, 3))
        net = Net()
        starts = []
        for step in range(7):
            train_step(annotator, net)
            starts.append(list(profiler.calls))
        # Started when step 2 began (after two steps), stopped after step 4 (five steps done).
        self.assertEqual(starts[0], [])
        self.assertEqual(starts[1], ["start"])
        self.assertEqual(starts[4], ["start", "stop"])
        self.assertEqual(profiler.calls, ["start", "stop"])

    def test_a_root_names_its_children_once(self):
        annotator, _, _ = self.make()
        net = Net()
        for _ in range(3):
            train_step(annotator, net)
        self.assertEqual(net.named_modules_calls, 1)

    def test_a_module_the_root_did_not_name_is_named_by_its_class(self):
        annotator, nvtx, _ = self.make()
        net = Net()
        forward(annotator, net)
        first_fc = net.fc  # kept alive, so the new module cannot reuse its id
        net.fc = Linear()  # replaced after the root's children were named
        forward(annotator, net)
        pushes = [entry[1] for entry in nvtx.log if entry[0] == "push"]
        self.assertEqual(pushes.count("dd:module:fc|Linear"), 1)
        self.assertEqual(pushes.count("dd:module:Linear|Linear"), 1)
        self.assertIsNot(first_fc, net.fc)

    def test_unbalanced_hooks_are_ignored(self):
        annotator, nvtx, _ = self.make()
        annotator.module_left(Net())  # a post hook whose pre hook ran before installation
        self.assertEqual(nvtx.log, [])

    def test_module_backward_ranges_at_modules_level(self):
        # Leaves get a backward label; autograd reaching their nodes opens one start/end range
        # per thread at a time (a second hook of the same module's node opens nothing), and
        # the end of backward closes what is open.
        annotator, nvtx, _ = self.make()
        net = Net()
        self.assertEqual(forward(annotator, net), [None, "dd:module:fc|Linear"])
        annotator.backward_entered()
        annotator.module_backward_reached("dd:module:fc|Linear")
        annotator.module_backward_reached("dd:module:fc|Linear")
        annotator.module_backward_reached("dd:module:conv|Conv2d")
        annotator.backward_left()
        backward = nvtx.log[nvtx.log.index(("push", "dd:phase:backward")) + 1:]
        self.assertEqual(backward, [("start", "dd:module:fc|Linear", 2), ("end", 2),
                                    ("start", "dd:module:conv|Conv2d", 3), ("end", 3),
                                    ("pop",)])

    def test_no_module_backward_ranges_at_ops_level(self):
        annotator, _, _ = self.make(level="ops")  # PyTorch's own ranges pair backward ops
        self.assertEqual(forward(annotator, Net()), [None, None])

    def test_window_parsing(self):
        self.assertEqual(parse_iteration_window("10:5"), (10, 5))
        self.assertIsNone(parse_iteration_window(""))
        self.assertIsNone(parse_iteration_window("10"))
        self.assertIsNone(parse_iteration_window("a:b"))
        self.assertIsNone(parse_iteration_window("3:0"))


if __name__ == "__main__":
    unittest.main()
