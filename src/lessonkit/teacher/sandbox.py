"""Running a student's notebook where it can harm as little as possible.

Each notebook runs in a fresh kernel process, in a throwaway working folder, with a
per-cell time limit, a limit for the whole notebook and a memory limit (RLIMIT_AS, set in
the kernel process before ipykernel starts). Where Debian's bubblewrap (``bwrap``) works,
the kernel runs in a file system built from an allow-list, not in a copy of the host's::

    bwrap --ro-bind /usr /usr --symlink usr/bin /bin ... --ro-bind /etc/passwd ...
          --ro-bind VENV VENV --ro-bind SITE-PACKAGES ... --tmpfs <the lessons' sources>
          --dev /dev --proc /proc --size N --tmpfs /tmp --size N --tmpfs WORK
          --bind WORK ANSWERS --unshare-pid --unshare-net --cap-drop ALL --die-with-parent ...

It sees the system's programs and libraries, a few files of /etc, Python (the interpreter,
the standard library, site-packages, an editable checkout's src/) and the files lessonkit
reads, all read-only and bound by path, so a venv under the home shows the venv and not the
home. The home, /root, /run, /var, /srv, the host's /tmp and /dev/shm, every socket on disk,
the answer keys (the package's keys/ and LESSONKIT_KEYS), the submissions and the output
folder do not exist inside. Its environment is an allow-list too (:func:`_kernel_env`). It
can write only to a size-capped private /tmp, a size-capped working folder and the folder
where its answers are saved. It has no network and cannot see or signal other processes.
Where cgroups can be made, all the processes of one run are limited together
(:mod:`lessonkit.teacher.confine`). Without bubblewrap (macOS, Windows, Linux without it)
the kernel runs in the throwaway folder only, and the run notes say so.
``LESSONKIT_SANDBOX=none`` turns bubblewrap off on purpose (used to test the fallback).

The grader talks to the kernel over Unix sockets (``transport="ipc"``) in a folder bound
into the sandbox, so the kernel needs no network, and there is no TCP port race between
kernels starting together. Kernels are started, run and killed by
:mod:`lessonkit.teacher.grading.kernel`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .._exercises import GRADING_ENV

SANDBOX_ENV = "LESSONKIT_SANDBOX"
KERNEL_NAME = "lessonkit-grader"
PRELOAD = ("pandas", "lessonkit")  # imported by each kernel before ipykernel starts

# Runs in the kernel process before ipykernel: killed when its parent dies (PR_SET_PDEATHSIG:
# a grader killed outright leaves no kernel, sandboxed or not); limits that the student's code cannot raise
# (bubblewrap drops the capability to raise a hard limit); no debugger (ipykernel then does not
# import debugpy, a tenth of a kernel's start); the preloaded modules. No braces: jupyter_client
# substitutes {names} in kernel commands.
_LAUNCH = """\
try:
    import resource
except ImportError:
    resource = None
def _limit(name, value):
    try:
        resource.setrlimit(getattr(resource, name), (value, value))
    except (AttributeError, ValueError, OSError):
        pass
_limit("RLIMIT_AS", @MEMORY@)
_limit("RLIMIT_CORE", 0)
_limit("RLIMIT_FSIZE", @FSIZE@)
if @NPROC@ > 0:
    _limit("RLIMIT_NPROC", @NPROC@)
del _limit, resource
import sys
if sys.platform.startswith("linux"):
    try:
        import ctypes, signal
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
        del ctypes, signal
    except Exception:
        pass
sys.modules["debugpy"] = None
def _preload():
    for name in @PRELOAD@:
        try:
            __import__(name)
        except BaseException:
            pass
_preload()
del _preload
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""
FILE_SIZE_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class Sandbox:
    """How kernels are isolated on this machine: ``kind`` is 'bwrap' or 'none'."""

    kind: str
    bwrap: str | None = None
    reason: str = ""
    limits_note: str = ""  # why processes are not limited as a whole here ('' when they are)

    def describe(self, timeout: float, memory_mb: int, notebook_timeout: float,
                 processes: int | None = None, disk_mb: int | None = None) -> str:
        """One sentence for the gradebook's run notes: what protected the teacher."""
        processes = Limits.processes if processes is None else processes
        disk_mb = Limits.disk_mb if disk_mb is None else disk_mb
        limits = f"each cell was stopped after {timeout:g} s and each notebook after {notebook_timeout:g} s; "
        if not self.limits_note:
            limits += (f"each notebook had {memory_mb} MB of memory and {processes} processes and threads "
                       "for all its processes together")
            if self.kind == "bwrap":
                limits += f", and {disk_mb} MB in each folder it could write to"
        else:
            limits += (f"each kernel process had {memory_mb} MB of address space, but the processes a notebook "
                       f"starts were not limited together ({self.limits_note})")
        if self.kind == "bwrap":
            system, python = bound_paths()
            return ("Notebooks ran in bubblewrap: they saw only the system's programs, Python and lessonkit, "
                    "read-only, and their own throwaway folders (not your home, the submissions, the output "
                    "folder, the answer keys, or any socket); "
                    f"private /tmp, no network, no view of other processes; {limits}. "
                    f"Bound read-only: {len(system)} system folders and files ({', '.join(system)}) and "
                    f"{', '.join(python)}.")
        return (f"Notebooks ran WITHOUT a sandbox ({self.reason}): only a throwaway working copy, so a hostile "
                "notebook could read, change or delete any file this user can; "
                f"{limits}.")


@cache
def _probe(bwrap: str) -> str:
    """'' when bubblewrap works here with the flags used for kernels, else why not."""
    cmd = [bwrap, *_isolation_flags(network=False), *_filesystem_flags(sized=_sizes_tmpfs(bwrap)), "--",
           sys.executable, "-c", "import lessonkit._paths"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=_kernel_env(Path("/")))
    except (OSError, subprocess.SubprocessError) as e:
        return f"bubblewrap could not run: {type(e).__name__}: {e}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap is installed but failed: {last[:200]}"
    return ""


def _isolation_flags(network: bool) -> list[str]:
    flags = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL", "--die-with-parent",
             "--new-session"]
    return flags if network else [*flags, "--unshare-net"]


def detect() -> Sandbox:
    """The best isolation this machine offers for kernels.

    >>> detect().kind in ("bwrap", "none")
    True
    """
    from . import confine

    limits_note = confine.support()
    if os.environ.get(SANDBOX_ENV, "").strip().lower() in ("none", "off", "0"):
        return Sandbox("none", reason=f"turned off with {SANDBOX_ENV}=none", limits_note=limits_note)
    if not sys.platform.startswith("linux"):
        return Sandbox("none", reason=f"bubblewrap does not exist on {sys.platform}", limits_note=limits_note)
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return Sandbox("none", reason="bubblewrap (bwrap) is not installed; on Debian/Ubuntu: "
                                      "apt-get install bubblewrap", limits_note=limits_note)
    problem = _probe(bwrap)
    if problem:
        return Sandbox("none", reason=problem, limits_note=limits_note)
    return Sandbox("bwrap", bwrap=bwrap, limits_note=limits_note)


# The only parts of the host's file system a kernel sees, read-only (besides Python, below).
# Everything else - /home, /root, /run, /var, /srv, /tmp, /dev/shm, /etc's other files and
# the sockets that live there - does not exist inside the sandbox.
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC = ("/etc/alternatives", "/etc/fonts", "/etc/group", "/etc/passwd", "/etc/nsswitch.conf", "/etc/localtime",
        "/etc/timezone", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/mime.types",
        "/etc/matplotlibrc")
# Passed to kernels from the grader's environment (names only; nothing else is).
# PYTHONPATH, PYTHONHOME, PYTHONSTARTUP and PYTHONUSERBASE are never passed: the kernel's
# Python is set up by :func:`_kernel_env` from what this installation holds.
_ENV_PASSED = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
               "LC_MONETARY", "LC_MESSAGES", "TZ", "LESSONKIT_DATA")
_INSTALL_FOLDERS = ("site-packages", "dist-packages")


@cache
def _python_path() -> tuple[str, ...]:
    """The folders of the kernel's sys.path that it may see: those a fresh interpreter of this
    environment, started with the kernel's environment, finds in Python's own prefixes or in
    a folder packages are installed in (``site-packages``, ``dist-packages``).

    Asked of a new process, with the kernel's environment (never the grader's PYTHONPATH), so
    that folders a test runner or the grader's script added to this process's sys.path are not
    exposed to kernels; a ``.pth`` file pointing at any other folder (a course folder, a
    checkout of some other project) adds nothing to what a kernel sees.
    """
    code = "import sys, json; print(json.dumps(sys.path[1:]))"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                              env=_kernel_env(Path(tempfile.gettempdir())), cwd=tempfile.gettempdir())
        found = tuple(json.loads(done.stdout))
    except (OSError, subprocess.SubprocessError, ValueError):
        found = tuple(sys.path[1:])
    return tuple(p for p in found if p and _python_owned(Path(p)))


def _prefixes() -> list[Path]:
    return [Path(p).resolve() for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}]


def _python_owned(path: Path) -> bool:
    """Whether a sys.path entry is Python's own (inside one of its prefixes) or a folder
    packages are installed in: never a folder a PYTHONPATH or a ``.pth`` file merely names.

    >>> _python_owned(Path("/opt/course")), _python_owned(Path("/opt/venv/lib/python3.11/site-packages"))
    (False, True)
    """
    try:
        path = path.resolve()
    except (OSError, RuntimeError):
        return False
    if any(part in _INSTALL_FOLDERS for part in path.parts):
        return True
    return any(path == p or p in path.parents for p in _prefixes() if p != Path(p.anchor))


def _lessonkit_root() -> Path:
    """The folder lessonkit is imported from (site-packages, or an editable checkout's src/)."""
    import lessonkit

    return Path(lessonkit.__file__).resolve().parent.parent


def _package_files() -> list[Path]:
    """What lessonkit reads at run time: its own folder (with the templates), the data
    package and the list of lessons (a checkout's notebooks/lessons.toml, or the installed copy)."""
    from .._paths import data_dir, lessons_toml

    return [_lessonkit_root(), data_dir().resolve(), lessons_toml().resolve()]


def _secret_folders() -> list[Path]:
    """Folders never shown to a kernel: the answer keys (the lessons' sources, which hold the
    exercise blocks and solutions; the build's keys; LESSONKIT_KEYS) and the user's home."""
    from .grading.key import key_folders

    return key_folders()


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def _needed() -> list[Path]:
    """Files and folders the kernel must see, read-only: Python (interpreter, standard library,
    site-packages, the interpreter of a venv's base), lessonkit and the files it reads.

    A path that holds the home folder (or is /) is never bound whole, nor one inside an answer
    key folder, except the list of lessons (``lessons.toml``, which holds no answer and sits
    beside the lessons' sources); answer key folders inside a bound path are hidden by
    :func:`_filesystem_flags`.
    """
    from .._paths import lessons_toml

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), os.path.dirname(sys.executable),
             *_python_path(), *_package_files()]
    home = _home()
    secrets = _secret_folders()
    holders = [Path("/"), *([home] if home else [])]
    out = set()
    for given in paths:
        if not given or not os.path.exists(str(given)):
            continue
        p = Path(str(given)).resolve()
        if any(p == h or p in h.parents for h in holders):
            continue
        if any(s in p.parents for s in secrets) and p != lessons_toml().resolve():
            continue
        out.add(p)
    return sorted(out, key=lambda p: (len(p.parts), str(p)))


def _bound(path: Path, binds: list[Path]) -> bool:
    return any(b == path or b in path.parents for b in binds)


@cache
def _sizes_tmpfs(bwrap: str) -> bool:
    """Whether this bubblewrap caps a tmpfs's size (``--size``, bubblewrap 0.5 and later)."""
    try:
        done = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in done.stdout + done.stderr


def _tmpfs(path: str, size: int, sized: bool) -> list[str]:
    return ["--size", str(size), "--tmpfs", path] if sized else ["--tmpfs", path]


def _filesystem_flags(tmp_bytes: int = 64 * 1024 * 1024, sized: bool = True) -> list[str]:
    """bwrap flags building the kernel's view: system folders, Python and lessonkit read-only,
    over a private /tmp of tmp_bytes (first, so that what lies under the host's /tmp shows);
    sized=False for a bubblewrap that cannot cap a tmpfs (then only a cgroup limits it)."""
    flags: list[str] = []
    binds: list[Path] = []
    for name in (*_SYSTEM, *_ETC):
        if os.path.islink(name):
            flags += ["--symlink", os.readlink(name), name]
        elif os.path.exists(name):
            flags += ["--ro-bind", name, name]
            binds.append(Path(name))
    flags += ["--dev", "/dev", *_tmpfs("/dev/shm", tmp_bytes, sized), "--proc", "/proc",
              "--dir", "/var/tmp", *_tmpfs("/tmp", tmp_bytes, sized)]
    for p in _needed():
        if not _bound(p, binds):
            flags += ["--ro-bind", str(p), str(p)]
            binds.append(p)
    needed = _needed()
    for secret in _secret_folders():  # an installed package's lessons lie inside a bound folder
        if _bound(secret, binds):
            flags += ["--tmpfs", str(secret)]
            for p in needed:  # what the kernel needs inside a key folder stays (lessons.toml; LESSONKIT_KEYS=/srv)
                if secret in p.parents:
                    flags += ["--ro-bind", str(p), str(p)]
            flags += ["--remount-ro", str(secret)]
    return flags


def bound_paths() -> tuple[list[str], list[str]]:
    """What a kernel sees of the host, read from the bind flags kernels are started with:
    (the system's folders and files, the rest: Python, its packages, lessonkit and its data)."""
    flags = _filesystem_flags()
    bound = [flags[i + 1] for i, flag in enumerate(flags[:-2]) if flag == "--ro-bind"]
    system = [p for p in bound if p in (*_SYSTEM, *_ETC)]
    return system, [p for p in bound if p not in system]


def _rebinds(covered: list[Path]) -> list[str]:
    """bwrap flags hiding each folder of covered that lies inside the kernel's view (an empty,
    read-only folder in its place)."""
    binds = _needed()
    flags = []
    for c in covered:
        if _bound(Path(c), binds):
            flags += ["--tmpfs", str(c), "--remount-ro", str(c)]
    return flags


def hideable(paths: list[Path]) -> list[str]:
    """The folders among paths that can be hidden from kernels without hiding Python itself.

    A folder that holds the interpreter, an entry of sys.path, lessonkit or the data package
    is kept visible (read-only), since the kernel needs it.
    """
    needed = _needed()
    out = []
    for p in paths:
        p = Path(p).resolve()
        if not p.is_dir() or p == Path(p.anchor):
            continue
        if any(n == p or p in n.parents for n in needed):
            continue
        out.append(str(p))
    return sorted(set(out))


@dataclass
class Limits:
    """What one notebook may use, all its processes together where cgroups allow."""

    timeout: float = 30.0
    memory_mb: int = 1024
    notebook_timeout: float = 300.0
    processes: int = 128     # processes and threads at once (pids.max; RLIMIT_NPROC in the sandbox)
    disk_mb: int = 256       # each of: the private /tmp, the working folder, the grader-side folders


def _kernel_env(work: Path, record_dir: Path | None = None) -> dict[str, str]:
    """The kernel's whole environment: a short allow-list, never the grader's own (which may
    hold passwords or tokens)."""
    env = {k: os.environ[k] for k in _ENV_PASSED if k in os.environ}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"])
    env.update({
        "LESSONKIT_RECORD_DIR": str(record_dir or work), "LESSONKIT_STUDENT": "", GRADING_ENV: "1",
        "HOME": str(work), "IPYTHONDIR": str(work / ".ipython"), "MPLCONFIGDIR": str(work / ".matplotlib"),
        "TMPDIR": "/tmp" if os.name == "posix" else str(work),
        "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "LESSONKIT_CACHE_DIR": "none",  # a throwaway home: no data or figure cache to keep
    })
    # lessonkit itself is found first, however the grader found it; nothing else is added.
    env["PYTHONPATH"] = str(_lessonkit_root())
    import site

    user_site = Path(site.getusersitepackages()).resolve() if site.ENABLE_USER_SITE else None
    if user_site is not None and user_site == _lessonkit_root():  # pip install --user: lessonkit lives there
        env["PYTHONUSERBASE"] = site.getuserbase()  # HOME is the working folder; the packages stay
    else:  # a user site holds nothing lessonkit needs: the kernel does not look there
        env["PYTHONNOUSERSITE"] = "1"
    if os.name == "nt":  # Windows cannot start Python without these
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR") if k in os.environ})
    return env


def _nproc_per_namespace() -> bool:
    """True when RLIMIT_NPROC counts a user's processes per user namespace (Linux 5.14 and
    later), so that inside bubblewrap it caps the kernel's processes, not all the teacher's."""
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except (AttributeError, ValueError):
        return False
    return (major, minor) >= (5, 14)


def kernel_argv(sandbox: Sandbox, work: Path, sockets: Path, memory_mb: int, hide: list[str],
                network: bool = False, processes: int | None = None, disk_mb: int | None = None,
                record_dir: Path | None = None, preload: tuple[str, ...] = PRELOAD) -> list[str]:
    """The kernel command: bubblewrap (if any) around Python setting limits and importing
    preload (so a kernel started ahead of its notebook has them ready), then ipykernel.

    Inside bubblewrap, work is an empty RAM-backed folder of disk_mb (the notebook's working
    copies of work's files are bound into it read-only) and the host's work folder is bound
    at record_dir, where the learning record is written. network=True keeps the host's
    network (needed when the grader reaches the kernel by TCP).
    """
    processes = Limits.processes if processes is None else processes
    disk = (Limits.disk_mb if disk_mb is None else disk_mb) * 1024 * 1024
    code = (_LAUNCH.replace("@MEMORY@", str(int(memory_mb) * 1024 * 1024))
            .replace("@FSIZE@", str(min(FILE_SIZE_LIMIT, disk)))
            .replace("@PRELOAD@", repr(tuple(preload)))
            .replace("@NPROC@", str(int(processes) if sandbox.kind == "bwrap" and _nproc_per_namespace() else -1)))
    python = [sys.executable, "-c", code, "-f", "{connection_file}", "--HistoryManager.enabled=False",
              "--IPKernelApp.quiet=True"]
    if sandbox.kind != "bwrap":
        return python
    # Inside its own PID namespace the kernel's parent is bubblewrap's init (PID 1), which
    # ipykernel takes for "parent gone"; --die-with-parent does that job instead.
    python.append("--IPKernelApp.parent_handle=0")
    bwrap = sandbox.bwrap or "bwrap"
    sized = _sizes_tmpfs(bwrap)
    argv = [bwrap, *_isolation_flags(network), *_filesystem_flags(disk, sized),
            *_rebinds(list(map(Path, hide)))]
    argv += _tmpfs(str(work), disk, sized)
    for f in sorted(Path(work).iterdir()) if Path(work).is_dir() else []:
        if f.is_file():
            argv += ["--ro-bind", str(f), str(f)]
    argv += ["--bind", str(work), str(record_dir or work), "--bind", str(sockets), str(sockets),
             "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", str(work), "--"]
    return argv + python


def kernel_setup(sandbox: Sandbox, work: Path, sockets: Path, limits: Limits, hide: list[str],
                 network: bool = False):
    """The kernel's command, environment and limits group for one run: (argv, env, group).

    The group (see :mod:`lessonkit.teacher.confine`) counts every process of the run together;
    call its close() after the kernel is gone, and add what it returns to the run's notes.
    """
    from . import confine

    record_dir = work.parent / "answers" if sandbox.kind == "bwrap" else work
    argv = kernel_argv(sandbox, work, sockets, limits.memory_mb, hide, network=network,
                       processes=limits.processes, disk_mb=limits.disk_mb, record_dir=record_dir)
    group = confine.open_group(limits.memory_mb, limits.processes, [work, sockets], limits.disk_mb,
                               pid_file=work.parent / "kernel.pid")
    return group.wrap(argv), _kernel_env(work, record_dir), group


def write_kernelspec(root: Path, argv: list[str]) -> Path:
    """Write a kernelspec folder for argv under root; return the folder holding kernels/."""
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "lessonkit grader", "language": "python",
        # an interrupt by message reaches the kernel inside the sandbox; a signal might not
        "interrupt_mode": "message",
    }), encoding="utf-8")
    return root
