"""Reading the notebook cell that called ``check``: was the answer computed, or typed in?"""

from __future__ import annotations

import ast
import sys


def current_cell() -> str | None:
    """The source of the cell running now; None outside IPython.

    In a Jupyter kernel it is the code of the execute request being run, which holds even
    when the client asks not to store history (as nbval does); elsewhere IPython's input
    history.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return None
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    try:
        request = kernel.get_parent("shell")
        if request["header"]["msg_type"] == "execute_request" and isinstance(request["content"]["code"], str):
            return request["content"]["code"]
    except (AttributeError, KeyError, TypeError):
        pass  # a terminal IPython, or a kernel without get_parent: fall back to the history
    history = shell.user_ns.get("_ih")
    return history[-1] if history and isinstance(history[-1], str) else None


def _is_literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def typed_literally(source: str | None, exercise_id: str) -> bool | None:
    """Whether the cell gives ``check(exercise_id, ...)`` an answer typed as a literal.

    True for a literal (``12``, ``["c32"]``) or a name the cell sets to one; False for
    anything computed; None when it cannot tell (no cell, no such call, a name set elsewhere).

    >>> typed_literally('n = 12\\ncheck("start.before", n)', "start.before")
    True
    >>> typed_literally('n = len(t)\\ncheck("start.before", n)', "start.before")
    False
    >>> typed_literally('check("start.before", n)', "start.before") is None
    True
    """
    if not source:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    answer = None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and len(node.args) >= 2
                and (getattr(node.func, "id", None) == "check" or getattr(node.func, "attr", None) == "check")
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == exercise_id):
            answer = node.args[1]
    if answer is None:
        return None
    if not isinstance(answer, ast.Name):
        return _is_literal(answer)
    value: ast.AST | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == answer.id for t in node.targets):
            value = node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and getattr(node.target, "id", None) == answer.id:
            value = node.value if isinstance(node, ast.AnnAssign) else node
    if value is None:
        return None
    return _is_literal(value)
