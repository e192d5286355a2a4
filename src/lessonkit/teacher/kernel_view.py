"""What a grading kernel sees of the host: the files bound into its sandbox, read-only, and
its environment, both allow-lists.

The kernel sees the system's programs and libraries, a few files of /etc, Python (the
interpreter, the standard library, site-packages, an editable checkout's src/) and the files
lessonkit reads, bound by path; the answer keys, the home and everything else do not exist
inside. :mod:`lessonkit.teacher.sandbox` builds the kernel's command from these.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from .._exercises import GRADING_ENV

# The only parts of the host's file system a kernel sees, read-only (besides Python, below).
# Everything else - /home, /root, /run, /var, /srv, /tmp, /dev/shm, /etc's other files and
# the sockets that live there - does not exist inside the sandbox.
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC = ("/etc/alternatives", "/etc/fonts", "/etc/group", "/etc/passwd", "/etc/nsswitch.conf", "/etc/localtime",
        "/etc/timezone", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/mime.types",
        "/etc/matplotlibrc")
# Passed to kernels from the grader's environment (names only; nothing else is).
# PYTHONPATH, PYTHONHOME, PYTHONSTARTUP and PYTHONUSERBASE are never passed: the kernel's
# Python is set up by :func:`kernel_env` from what this installation holds.
ENV_PASSED = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
               "LC_MONETARY", "LC_MESSAGES", "TZ", "LESSONKIT_DATA")
_INSTALL_FOLDERS = ("site-packages", "dist-packages")


@cache
def python_path() -> tuple[str, ...]:
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
                              env=kernel_env(Path(tempfile.gettempdir())), cwd=tempfile.gettempdir())
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


def lessonkit_root() -> Path:
    """The folder lessonkit is imported from (site-packages, or an editable checkout's src/)."""
    import lessonkit

    return Path(lessonkit.__file__).resolve().parent.parent


def _package_files() -> list[Path]:
    """What lessonkit reads at run time: its own folder (with the templates), the data
    package, the list of lessons (a checkout's notebooks/lessons.toml, or the installed copy)
    and the seed article that lesson 6 shows whole (a checkout's seeds/, or the installed copy)."""
    from .._paths import data_dir, lessons_toml, seeds_dir

    seeds = seeds_dir().resolve()
    return [lessonkit_root(), data_dir().resolve(), lessons_toml().resolve(), *([seeds] if seeds.is_dir() else [])]


def _secret_folders() -> list[Path]:
    """Folders never shown to a kernel: the answer keys (the lessons' sources, which hold the
    exercise blocks and solutions; the build's keys; LESSONKIT_KEYS) and the user's home."""
    from .._keys import key_folders

    return key_folders()


def home_folder() -> Path | None:
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
    :func:`filesystem_flags`.
    """
    from .._paths import lessons_toml

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), os.path.dirname(sys.executable),
             *python_path(), *_package_files()]
    home = home_folder()
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
def sizes_tmpfs(bwrap: str) -> bool:
    """Whether this bubblewrap caps a tmpfs's size (``--size``, bubblewrap 0.5 and later)."""
    try:
        done = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in done.stdout + done.stderr


def tmpfs(path: str, size: int, sized: bool) -> list[str]:
    return ["--size", str(size), "--tmpfs", path] if sized else ["--tmpfs", path]


def filesystem_flags(tmp_bytes: int = 64 * 1024 * 1024, sized: bool = True) -> list[str]:
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
    flags += ["--dev", "/dev", *tmpfs("/dev/shm", tmp_bytes, sized), "--proc", "/proc",
              "--dir", "/var/tmp", *tmpfs("/tmp", tmp_bytes, sized)]
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
    flags = filesystem_flags()
    bound = [flags[i + 1] for i, flag in enumerate(flags[:-2]) if flag == "--ro-bind"]
    system = [p for p in bound if p in (*_SYSTEM, *_ETC)]
    return system, [p for p in bound if p not in system]


def rebinds(covered: list[Path]) -> list[str]:
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


def kernel_env(work: Path, record_dir: Path | None = None) -> dict[str, str]:
    """The kernel's whole environment: a short allow-list, never the grader's own (which may
    hold passwords or tokens)."""
    env = {k: os.environ[k] for k in ENV_PASSED if k in os.environ}
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
    env["PYTHONPATH"] = str(lessonkit_root())
    import site

    user_site = Path(site.getusersitepackages()).resolve() if site.ENABLE_USER_SITE else None
    if user_site is not None and user_site == lessonkit_root():  # pip install --user: lessonkit lives there
        env["PYTHONUSERBASE"] = site.getuserbase()  # HOME is the working folder; the packages stay
    else:  # a user site holds nothing lessonkit needs: the kernel does not look there
        env["PYTHONNOUSERSITE"] = "1"
    if os.name == "nt":  # Windows cannot start Python without these
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR") if k in os.environ})
    return env
