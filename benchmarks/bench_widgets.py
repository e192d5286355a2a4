"""Widget response in the kernel: time from a control change to the explorer's new output
(the pure function plus the HTML rendering), for every explorer in lessonkit.widgets,
against a floor: an ipywidgets slider whose observer writes its value into an HTML widget.

Target: median at most 100 ms per widget.
    python benchmarks/bench_widgets.py [--changes 30]
"""
import argparse
import itertools
import statistics
import time

import ipywidgets as w
from common import machine, save

from lessonkit import widgets


def next_values(control):
    """Values to cycle a control through."""
    if isinstance(control, w.Button):
        return itertools.repeat(None)
    if hasattr(control, "options") and control.options:
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return itertools.cycle(values)
    if isinstance(control, w.Checkbox):
        return itertools.cycle([False, True])
    if isinstance(control, (w.FloatSlider, w.IntSlider)):
        return itertools.cycle([control.min, (control.min + control.max) / 2, control.max])
    return itertools.cycle([1.0, 2.5, 10.0])


def change(control, value):
    if isinstance(control, w.Button):
        control.click()
    else:
        control.value = value


def measure(make, changes: int) -> list[float]:
    box = make()
    ctrls, out = widgets.controls(box), box.children[-1]
    times = []
    cycles = {id(c): next_values(c) for c in ctrls}
    for c in itertools.islice(itertools.cycle(ctrls), changes):
        value = next(cycles[id(c)])
        t = time.perf_counter()
        change(c, value)
        _ = out.value  # the output has been re-rendered by the observer, synchronously
        times.append(time.perf_counter() - t)
    return times


def floor() -> w.VBox:
    """The least an explorer can do, laid out like one: title, controls, output."""
    slider, out = w.IntSlider(value=0, min=0, max=100), w.HTML()
    slider.observe(lambda ch: setattr(out, "value", f"<p>{ch['new']}</p>"), names="value")
    return w.VBox([w.HTML("<strong>floor</strong>"), w.HBox([slider]), out])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--changes", type=int, default=30)
    n = p.parse_args().changes
    makers = [(name, getattr(widgets, name)) for name in widgets.EXPLORERS]
    base = measure(floor, n)
    rows = [("floor: slider writing into an HTML widget", base)]
    rows += [(name, measure(fn, n)) for name, fn in makers]
    b = statistics.median(base)
    lines = ["### Widget response in the kernel", "",
             f"Command: `python benchmarks/bench_widgets.py --changes {n}`  ", f"Machine: {machine()}", "",
             "| widget | median ms (range) | ratio to floor |", "| --- | --- | --- |"]
    worst = 0.0
    for name, times in rows:
        med = statistics.median(times)
        worst = max(worst, med) if name != rows[0][0] else worst
        lines.append(f"| {name} | {med * 1000:.2f} ({min(times) * 1000:.2f}–{max(times) * 1000:.2f}, n={len(times)}) "
                     f"| {med / b:.1f} |")
    lines += ["", f"Target: median at most 100 ms for every widget — **{'met' if worst <= 0.1 else 'not met'}** "
                  f"(slowest median {worst * 1000:.1f} ms)"]
    save("widgets", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
