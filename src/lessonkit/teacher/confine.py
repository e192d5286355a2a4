"""Limits for one submission as a whole: its own control group (cgroup) per notebook run.

A kernel may start children (``multiprocessing``, ``os.fork``, ``subprocess``); per-process
limits (``RLIMIT_AS``) then multiply. Where the machine lets this user create cgroups
(cgroup v2 with the memory and pids controllers delegated, or cgroup v1 ``memory`` and
``pids`` hierarchies, as root in many containers), each run gets a fresh group with:

- ``memory.max`` (v1: ``memory.limit_in_bytes``): RAM of all its processes together,
  including what they write to the sandbox's RAM-backed ``/tmp`` and working folder;
- ``pids.max``: its number of processes and threads together.

The kernel command is wrapped so that it joins the group before anything else runs
(:meth:`Group.wrap`); it does not start at all if it cannot. A watcher stops the whole run
the moment a limit is hit (the memory limit killed a process, a fork was refused, or the
folders the kernel can write to on the teacher's disk grew past their cap) and says so in
the run's notes. Where no cgroup can be made (or ``LESSONKIT_CGROUPS=none``), the watcher
still watches the writable folders' size and stops the kernel by its process id (on
Windows: checked when the run ends); the per-process limits are then all that hold for
memory and processes.
"""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
import uuid
from collections.abc import Mapping
from functools import cache
from pathlib import Path

_JOIN = ('while [ "$1" != -- ]; do echo $$ > "$1" || { echo "lessonkit: cannot join the limits group $1" >&2; '
         'exit 111; }; shift; done; shift; exec "$@"')
_NOTE_PID = 'echo $$ > "$0"; exec "$@"'  # without cgroups: the kernel's process id, for the watcher
CGROUPS_ENV = "LESSONKIT_CGROUPS"  # "none" turns cgroups off (to test the fallback)
_POLL = 0.1  # seconds between two looks at the group
_LEAF = "lessonkit-grader"  # cgroup v2: where the grader moves itself when its own group must stay empty


def _cgroup_mounts() -> dict[str, Path]:
    """Mount point of each cgroup hierarchy: '' for cgroup v2, else the v1 controller's name."""
    found: dict[str, Path] = {}
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for line in lines:
        before, _, after = line.partition(" - ")
        fields, extra = before.split(), after.split()
        if len(fields) < 5 or len(extra) < 3:
            continue
        point = Path(fields[4].replace("\\040", " "))
        if extra[0] == "cgroup2":
            found.setdefault("", point)
        elif extra[0] == "cgroup":
            for option in extra[2].split(","):
                if option in ("memory", "pids"):
                    found.setdefault(option, point)
    return found


def _own_groups() -> dict[str, str]:
    """This process's cgroup path in each hierarchy ('' for v2, else each v1 controller)."""
    own: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return own
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for name in (parts[1].split(",") if parts[1] else [""]):
                own[name] = parts[2]
    return own


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def _counter(path: Path, name: str) -> int:
    """The value of ``name N`` in a cgroup key-value file (0 if absent or unreadable)."""
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            key, _, value = line.partition(" ")
            if key == name:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _enable_v2(base: Path) -> None:
    """Let base's child groups use the memory and pids controllers.

    cgroup v2 refuses this while base itself holds processes (as a delegated scope made with
    ``systemd-run --user --scope -p Delegate=yes`` holds the grader): the grader then moves
    itself into a leaf group of its own, ``lessonkit-grader``, and tries again.
    """
    try:
        _write(base / "cgroup.subtree_control", "+memory +pids")
        return
    except OSError as e:
        if e.errno != errno.EBUSY:
            raise
    leaf = base / _LEAF
    leaf.mkdir(exist_ok=True)
    _write(leaf / "cgroup.procs", str(os.getpid()))
    _write(base / "cgroup.subtree_control", "+memory +pids")


def _make_v2(base: Path, name: str, memory: int, processes: int) -> list[Path] | None:
    group = base / name
    try:
        group.mkdir()
    except OSError:
        return None
    try:
        if not (group / "memory.max").exists() or not (group / "pids.max").exists():
            _enable_v2(base)
        _write(group / "memory.max", str(memory))
        if (group / "memory.swap.max").exists():
            _write(group / "memory.swap.max", "0")
        if (group / "memory.oom.group").exists():
            _write(group / "memory.oom.group", "1")  # an out-of-memory kill takes the whole run
        _write(group / "pids.max", str(processes))
        return [group]
    except OSError:
        _remove([group])
        return None


def _make_v1(bases: Mapping[str, Path], name: str, memory: int, processes: int) -> list[Path] | None:
    made: list[Path] = []
    try:
        for controller, base in bases.items():
            group = base / name
            group.mkdir()
            made.append(group)
            if controller == "memory":
                _write(group / "memory.limit_in_bytes", str(memory))
                if (group / "memory.memsw.limit_in_bytes").exists():
                    _write(group / "memory.memsw.limit_in_bytes", str(memory))
            else:
                _write(group / "pids.max", str(processes))
        return made
    except OSError:
        _remove(made)
        return None


def _remove(groups: list[Path]) -> None:
    for group in groups:
        for _ in range(50):
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:  # processes still leaving
                _kill_all([group])
                time.sleep(0.05)


def _kill_all(groups: list[Path]) -> None:
    """SIGKILL every process in the groups (v2 ``cgroup.kill`` at once where it exists)."""
    for group in groups:
        if (group / "cgroup.kill").exists():
            try:
                _write(group / "cgroup.kill", "1")
                continue
            except OSError:
                pass
        for _ in range(20):  # a fork bomb may add processes while we kill; pids.max bounds it
            try:
                pids = [int(p) for p in (group / "cgroup.procs").read_text(encoding="ascii").split()]
            except (OSError, ValueError):
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


_ENTRY_BYTES = 4096  # every file, folder or link counts at least one block (millions of empty files fill a disk too)


def _bytes_under(folders: list[Path]) -> int:
    """Disk used under folders: each entry's blocks, at least _ENTRY_BYTES (symlinks not followed)."""
    total = 0
    stack = [str(f) for f in folders]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        total += max(entry.stat(follow_symlinks=False).st_blocks * 512, _ENTRY_BYTES)
                    except OSError:
                        total += _ENTRY_BYTES
        except OSError:
            pass
    return total


class Group:
    """One run's processes, counted and stopped together (see the module's docstring)."""

    def __init__(self, groups: list[Path], version: int, memory_mb: int, processes: int,
                 folders: list[Path], disk_mb: int, pid_file: Path | None = None):
        self.groups, self.version = groups, version
        self.memory_mb, self.processes = memory_mb, processes
        self.folders, self.disk_mb = folders, disk_mb
        self.pid_file = pid_file if os.name == "posix" and not groups else None
        self.breach = ""
        self._stop = threading.Event()
        self._watcher = None
        if groups or (self.pid_file and folders):
            self._watcher = threading.Thread(target=self._watch, name="lessonkit-limits", daemon=True)
            self._watcher.start()

    def wrap(self, argv: list[str]) -> list[str]:
        """argv preceded by a shell that moves itself into the group (or, without cgroups,
        notes its process id), then runs argv in its place."""
        if self.groups:
            return ["/bin/sh", "-c", _JOIN, "lessonkit-limits", *(str(g / "cgroup.procs") for g in self.groups),
                    "--", *argv]
        if self.pid_file:
            return ["/bin/sh", "-c", _NOTE_PID, str(self.pid_file), *argv]
        return list(argv)

    def _stop_run(self) -> None:
        if self.groups:
            _kill_all(self.groups)
            return
        if self.pid_file is None:
            return
        try:  # the kernel leads its own process group (bubblewrap's children die with it)
            pid = int(self.pid_file.read_text(encoding="ascii").strip())
            os.killpg(pid, signal.SIGKILL)
        except (OSError, ValueError, AttributeError):
            pass

    def _hit(self) -> str:
        """Why the run must stop now, or ''."""
        for group in self.groups:
            memory = (_counter(group / "memory.events", "oom_kill") if self.version == 2
                      else _counter(group / "memory.oom_control", "oom_kill"))
            if memory:
                return (f"the notebook went over its memory limit ({self.memory_mb} MB for all its processes "
                        "together); the whole notebook was stopped")
            if _counter(group / "pids.events", "max"):
                return (f"the notebook tried to run more than {self.processes} processes and threads at once "
                        "(process limit); the whole notebook was stopped")
        return self._disk_hit()

    def _disk_hit(self) -> str:
        if self.folders and _bytes_under(self.folders) > self.disk_mb * 1024 * 1024:
            return (f"the notebook wrote more than {self.disk_mb} MB into its folders (disk limit); "
                    "the whole notebook was stopped")
        return ""

    def _watch(self) -> None:
        while not self._stop.wait(_POLL):
            why = self._hit()
            if why:
                self.breach = why
                self._stop_run()
                return

    def close(self) -> list[str]:
        """Stop the watcher, kill what is left, remove the group; the notes for the run."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        if self.groups:
            if not self.breach:
                self.breach = self._hit()
            _kill_all(self.groups)
            _remove(self.groups)
        elif not self.breach and self._disk_hit():
            self.breach = (f"the notebook wrote more than {self.disk_mb} MB into its folders (disk limit); "
                           "what it wrote was discarded")
        return [self.breach] if self.breach else []


def _sweep(parents: set[Path]) -> None:
    """Remove the groups a grader left behind when it was killed (its process is gone)."""
    for parent in parents:
        for group in parent.glob("lessonkit-*-*"):
            try:
                pid = int(group.name.split("-")[1])
                os.kill(pid, 0)
            except ValueError:
                continue
            except ProcessLookupError:
                _remove([group])
            except OSError:
                pass


@cache
def support() -> str:
    """'' when this process can give each run its own cgroup, else why not (one sentence).

    Also removes the groups of graders that were killed before they could.
    """
    group = open_group(128, 8, [], 1)
    ok = bool(group.groups)
    _sweep({g.parent for g in group.groups})
    group.close()
    if ok:
        return ""
    if os.environ.get(CGROUPS_ENV, "").strip().lower() in ("none", "off", "0"):
        return f"cgroups turned off with {CGROUPS_ENV}=none"
    return ("no cgroup with the memory and pids controllers can be created here (cgroup v2 without "
            "delegation, or not Linux)")


def open_group(memory_mb: int, processes: int, folders: list[Path], disk_mb: int,
               pid_file: Path | None = None) -> Group:
    """A new group for one run: a real cgroup where possible, else one that watches only the
    size of folders (stopping the kernel whose process id the wrapper writes to pid_file)."""
    name = f"lessonkit-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    memory = int(memory_mb) * 1024 * 1024
    if os.environ.get(CGROUPS_ENV, "").strip().lower() in ("none", "off", "0"):
        return Group([], 0, memory_mb, processes, folders, disk_mb, pid_file)
    mounts, own = _cgroup_mounts(), _own_groups()
    if "" in mounts and "" in own:
        base = mounts[""] / own[""].lstrip("/")
        made = _make_v2(base.parent if base.name == _LEAF else base, name, memory, processes)
        if made:
            return Group(made, 2, memory_mb, processes, folders, disk_mb)
    v1: dict[str, Path] = {c: mounts[c] / own.get(c, "/").lstrip("/") for c in ("memory", "pids") if c in mounts}
    if len(v1) == 2:
        made = _make_v1(v1, name, memory, processes)
        if made:
            return Group(made, 1, memory_mb, processes, folders, disk_mb)
    return Group([], 0, memory_mb, processes, folders, disk_mb, pid_file)
