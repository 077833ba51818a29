"""Tests of the shim's hooks in a real torch (daydream_shim.torch_hooks), on the CPU.

Skipped where torch is not installed (CI installs no torch). The shim acts only once CUDA is
initialized, so torch.cuda.is_initialized answers as torch does in the recorded process: yes
in this process, no in a process forked from it (torch's rule after a fork with CUDA on).
NVTX and the CUDA profiler are recording fakes. Each check runs in a fresh interpreter, since
the hooks are global and cannot be removed: the child prints JSON, the test reads it."""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import unittest

SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

SHIM_WITH_FAKES = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, %r)
    import torch
    from daydream_shim.annotator import Annotator
    from daydream_shim.torch_hooks import install

    PARENT = os.getpid()
    torch.cuda.is_initialized = lambda: os.getpid() == PARENT

    class Nvtx:
        def __init__(self):
            self.log, self.depth, self.ids = [], 0, 0
        def note(self, entry):
            if os.getpid() != PARENT:  # a forked child: tell the parent through a file
                with open(os.environ["FOREIGN_LOG"], "a") as out:
                    out.write(repr(entry) + "\\n")
            self.log.append(entry)
        def range_push(self, text):
            self.note(("push", text)); self.depth += 1
        def range_pop(self):
            self.note(("pop",)); self.depth -= 1
        def range_start(self, text):
            self.ids += 1; self.note(("start", text)); return self.ids
        def range_end(self, range_id):
            self.note(("end", range_id))

    class Profiler:
        def start(self): pass
        def stop(self): pass

    annotator = Annotator("modules", None)
    install(annotator, {})
    nvtx = Nvtx()
    annotator.bind(nvtx, Profiler())
""" % SHIM)

# A small residual network and a training loop (shared with test_real_nvtx.py).
MODEL = textwrap.dedent("""
    import torch

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(4, 4, 3, padding=1)
            self.norm = torch.nn.BatchNorm2d(4)
            self.relu = torch.nn.ReLU()
        def forward(self, x):
            return self.relu(self.norm(self.conv(x)) + x)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = torch.nn.Conv2d(3, 4, 3, padding=1)
            self.blocks = torch.nn.Sequential(Block(), Block())
            self.head = torch.nn.Linear(4, 10)
        def forward(self, x):
            return self.head(self.blocks(self.stem(x)).mean(dim=(2, 3)))

    def train(model, steps, batch=4):
        torch.manual_seed(0)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(
                model(torch.randn(batch, 3, 8, 8)), torch.randint(0, 10, (batch,)))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
""")


def run_child(body):
    """Runs the shim with fakes, the model and `body` in a fresh interpreter; returns the JSON
    it printed, what forked children logged, and its stderr."""
    foreign = os.path.join(os.environ.get("TMPDIR", "/tmp"), "dd_shim_foreign_%d" % os.getpid())
    if os.path.exists(foreign):
        os.remove(foreign)
    env = dict(os.environ, FOREIGN_LOG=foreign)
    script = SHIM_WITH_FAKES + MODEL + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        raise AssertionError("child failed:\n" + done.stderr[-3000:])
    lines = []
    if os.path.exists(foreign):
        with open(foreign) as log:
            lines = log.readlines()
        os.remove(foreign)
    return json.loads(done.stdout.strip().splitlines()[-1]), lines, done.stderr


@unittest.skipUnless(importlib.util.find_spec("torch"), "torch is not installed")
class TorchHooksTest(unittest.TestCase):
    def test_training_loop_marks_iterations_phases_and_layers(self):
        result, _, _ = run_child("""
            model = Net()
            train(model, 2)
            print(json.dumps({"log": nvtx.log, "depth": nvtx.depth}))
        """)
        log = [tuple(entry) for entry in result["log"]]
        texts = [entry[1] for entry in log if entry[0] in ("push", "start")]
        self.assertEqual(texts[:8], [
            "dd:iteration#0", "dd:phase:forward", "dd:module:Net|Net", "dd:module:stem|Conv2d",
            "dd:module:blocks|Sequential", "dd:module:blocks.0|Block",
            "dd:module:blocks.0.conv|Conv2d", "dd:module:blocks.0.norm|BatchNorm2d"])
        self.assertIn("dd:module:blocks.1.relu|ReLU", texts)
        self.assertIn("dd:module:head|Linear", texts)
        self.assertEqual(texts.count("dd:phase:backward"), 2)
        self.assertEqual(texts.count("dd:phase:optimizer"), 2)
        self.assertIn("dd:iteration#2", texts)  # opened at the second step's end
        self.assertEqual(result["depth"], 0)  # every push popped

    def test_backward_marks_where_each_leaf_module_backward_begins(self):
        # Autograd reaches the leaves' nodes in reverse forward order. An in-place ReLU made
        # its own node and is marked; nn.Identity made none and is not (its node is the
        # Linear's). The backward ranges are start/end ranges, all closed by backward's end.
        result, _, _ = run_child("""
            model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Identity(),
                                        torch.nn.ReLU(inplace=True), torch.nn.Linear(4, 2))
            model(torch.randn(5, 3)).sum().backward()
            with torch.no_grad():  # outputs without nodes: nothing to mark
                model(torch.randn(5, 3))
            print(json.dumps({"log": nvtx.log}))
        """)
        log = [tuple(entry) for entry in result["log"]]
        backward = log[log.index(("push", "dd:phase:backward")):]
        backward = backward[:backward.index(("pop",)) + 1]
        starts = [entry[1] for entry in backward if entry[0] == "start"]
        self.assertEqual(starts, ["dd:module:3|Linear", "dd:module:2|ReLU", "dd:module:0|Linear"])
        self.assertEqual(sum(entry[0] == "end" for entry in backward), 3)
        # Nothing is marked outside backward (the no_grad forward included).
        self.assertEqual(sum(entry[0] == "start" and entry[1].startswith("dd:module:")
                             for entry in log), 3)

    def test_a_module_that_raises_closes_its_ranges(self):
        result, _, _ = run_child("""
            class Broken(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.inner = torch.nn.Linear(2, 2)
                def forward(self, x):
                    self.inner(x)
                    raise ValueError("bad batch")
            try:
                Broken()(torch.zeros(1, 2))
            except ValueError:
                pass
            pushes = sum(1 for entry in nvtx.log if entry[0] == "push")
            print(json.dumps({"pushes": pushes, "depth": nvtx.depth}))
        """)
        self.assertEqual(result["pushes"], 3)  # the forward phase, Broken, Broken.inner
        self.assertEqual(result["depth"], 0)

    def test_dataloader_workers_record_nothing(self):
        result, foreign, _ = run_child("""
            class Images(torch.utils.data.Dataset):
                def __init__(self):
                    self.augment = torch.nn.Dropout(0.1)  # a module called in the worker
                def __len__(self):
                    return 8
                def __getitem__(self, index):
                    return self.augment(torch.randn(3, 8, 8)), index % 10
            model = Net()
            train(model, 1)  # CUDA is in use before the workers fork
            loader = torch.utils.data.DataLoader(
                Images(), batch_size=4, num_workers=2,
                multiprocessing_context="fork")
            batches = sum(1 for _ in loader)
            print(json.dumps({"batches": batches, "depth": nvtx.depth}))
        """)
        self.assertEqual(result["batches"], 2)
        self.assertEqual(foreign, [])  # nothing annotated in the forked workers
        self.assertEqual(result["depth"], 0)

    def test_torch_compile_and_fx_trace_through_the_shim(self):
        result, _, _ = run_child("""
            import torch._dynamo
            torch.manual_seed(1)
            eager = Net()
            compiled = Net()
            compiled.load_state_dict(eager.state_dict())
            eager_losses = train(eager, 2)
            compiled_losses = train(torch.compile(compiled, backend="aot_eager"), 2)
            # A compiled function that calls the model, and FX's symbolic tracing, which
            # replaces nn.Module.__call__ while it traces.
            x = torch.randn(2, 3, 8, 8)
            via_function = torch.compile(lambda x: eager(x) * 2, backend="aot_eager")(x)
            traced = torch.fx.symbolic_trace(eager)
            breaks = sum(torch._dynamo.utils.counters["graph_break"].values())
            print(json.dumps({"eager": eager_losses, "compiled": compiled_losses,
                              "function_matches": torch.allclose(via_function, eager(x) * 2),
                              "fx_matches": torch.allclose(traced(x), eager(x)),
                              "fx_calls_modules": sum(n.op == "call_module" for n in traced.graph.nodes),
                              "graph_breaks": breaks, "depth": nvtx.depth}))
        """)
        self.assertEqual(result["graph_breaks"], 0)
        for eager, compiled in zip(result["eager"], result["compiled"]):
            self.assertAlmostEqual(eager, compiled, places=4)
        self.assertTrue(result["function_matches"])
        self.assertTrue(result["fx_matches"])
        self.assertEqual(result["fx_calls_modules"], 8)  # stem, 2 x (conv, norm, relu), head
        self.assertEqual(result["depth"], 0)

    def test_cpu_only_torch_profiler_still_works(self):
        result, _, stderr = run_child("""
            model = Net()
            activities = [torch.profiler.ProfilerActivity.CPU]
            with torch.profiler.profile(activities=activities) as profile:
                train(model, 1)
            ops = {event.key for event in profile.key_averages()}
            print(json.dumps({"has_conv": any("conv" in op for op in ops)}))
        """)
        self.assertTrue(result["has_conv"])
        self.assertNotIn("CUDA activities are off", stderr)  # no CUDA activity was asked for


if __name__ == "__main__":
    unittest.main()
