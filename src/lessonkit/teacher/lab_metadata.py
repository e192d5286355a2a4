"""The notebook metadata that JupyterLab writes when it opens a notebook with the Python kernel.

On opening a notebook JupyterLab sets ``kernelspec`` (the kernel's name, with the display name
and language of its kernel spec) and ``language_info`` (exactly as the kernel reports it in
its kernel_info reply). Editions carry both from the start, so a student who opens and saves
an untouched lesson changes no byte, and nbgitpuller has nothing to merge the next day.

The kernel is ipykernel in the same Python as JupyterLab and the build (jupyter_client starts
a ``python3`` kernel spec whose command is ``python`` with the server's own interpreter), so
its report is read from ipykernel without starting a kernel.
"""

from __future__ import annotations

import copy
from typing import Any

KERNEL = "python3"


def kernelspec(kernel_name: str = KERNEL) -> dict[str, str]:
    """The ``kernelspec`` metadata JupyterLab writes for a kernel, e.g. display name
    "Python 3 (ipykernel)"; raises jupyter_client's NoSuchKernel if it is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    return {"display_name": spec.display_name, "language": spec.language, "name": kernel_name}


def language_info() -> dict[str, Any]:
    """The ``language_info`` that ipykernel reports for this Python (name, version, mimetype,
    codemirror_mode, pygments_lexer, nbconvert_exporter, file_extension)."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(IPythonKernel.language_info)


def lab_metadata() -> dict[str, Any]:
    """Both entries, as JupyterLab would write them into a notebook's metadata."""
    return {"kernelspec": kernelspec(), "language_info": language_info()}
