"""Limits on the Jinja stage: how long a page's template may run and how much it may make.

Jinja's sandbox keeps a template from reaching Python's internals and caps
``range``, but not time or size: ``{{ 'a' * 10**9 }}`` or two nested loops over
``range(99999)`` would hold the build for minutes, or exhaust its memory.

:class:`BoundedEnvironment` refuses, before it is made, any value larger than the
output limit (``envdeck_jinja_max_output`` characters): the results of ``*``,
``**``, ``%``, ``+`` and ``~``, of every filter and of string methods, and what
``{{ }}`` prints.  Where a single call could make far more than its arguments
(``center``, ``indent``, ``replace``, ``join``, format widths, ``lipsum``), the
size is worked out from the arguments first, since one C-level call cannot be
interrupted once it runs.  :func:`render_bounded` counts the output while
streaming it and stops the template after ``envdeck_jinja_timeout`` seconds:
with ``SIGALRM`` in the main thread (Sphinx reads in the main thread, and so do
the worker processes of ``-j``), else with a trace function on the template's
own frames.
"""

from __future__ import annotations

import functools
import math
import re
import signal
import string
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.nodes import Concat
from jinja2.sandbox import SandboxedEnvironment

from .translations import __

#: The defaults of ``envdeck_jinja_timeout`` and ``envdeck_jinja_max_output``: far
#: beyond any course page (a long one renders in milliseconds and makes ~100 KB).
DEFAULT_SECONDS = 10.0
DEFAULT_MAX_OUTPUT = 10_000_000

#: Python refuses to print an int of more digits than this (``sys.int_info``); a
#: larger power could not appear on a page anyway, and computing it may take long.
MAX_POWER_DIGITS = 4300

#: Callables that can return far more than they are given, by a width or a count.
WIDTH_CALLS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "tojson"})
#: Filters that never turn their arguments into text: no size to check.
CHEAP_FILTERS = frozenset(
    {"length", "count", "first", "last", "default", "d", "attr", "int", "float", "abs",
     "round", "random", "boolean", "test"}
)  # fmt: skip
#: Methods that grow the container they belong to.
GROWING_METHODS = frozenset({"append", "extend", "insert", "update", "add", "setdefault"})

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


class JinjaLimitError(Exception):
    """A template ran too long or would make too much; the page is used as written."""

    #: the source line the template had reached, where its output shows it
    lineno: int | None = None


@dataclass(frozen=True)
class Limits:
    #: seconds a page's template may run
    seconds: float
    #: characters a page's template may produce, and the largest value it may make
    max_output: int


def text_size(value: Any, budget: int) -> int:
    """About ``len(str(value))``, walking containers; stops once past ``budget``."""
    if isinstance(value, str):
        return len(value)
    total = 0
    stack = [value]
    seen: set[int] = set()
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            total += len(item) + 3
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, (list, tuple, set, frozenset, dict)):
            if id(item) in seen:  # a list that holds itself prints as [...]
                total += 5
                continue
            seen.add(id(item))
            total += 2 + 2 * len(item)
            if total > budget:
                break
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                stack.extend(item)
        else:
            total += 8
    return total


def _format_widths(fmt: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """The padding a ``str.format`` string may add: its fields' widths and precisions."""
    widths = 0
    nested = False
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return 0  # format itself will refuse it
    for _literal, _field, spec, _conversion in fields:
        if spec:
            widths += sum(int(d) for d in _DIGITS.findall(spec))
            nested = nested or "{" in spec
    if nested:
        widths += sum(_ints(args, kwargs)) * len(fields)
    return widths


def _percent_widths(fmt: str, values: Any) -> int:
    """The padding a ``%`` format string may add."""
    widths = 0
    star = False
    for match in _PERCENT_SPEC.finditer(fmt):
        for group in match.groups():
            if group == "*":
                star = True
            elif group:
                widths += int(group)
    if star:
        items = values if isinstance(values, tuple) else (values,)
        widths += sum(_ints(items, {}))
    return widths


def _ints(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> list[int]:
    return [
        abs(a) for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)
    ]


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``~`` (Jinja's Concat) to a call that checks the size first."""

    @optimizeconst
    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedEnvironment(SandboxedEnvironment):
    """A sandbox that refuses to make any value larger than ``max_output`` characters."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, max_output: int, **options: Any) -> None:
        self.max_output = max_output
        super().__init__(finalize=self.bounded_output, **options)
        self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}
        lipsum = self.globals.get("lipsum")
        if callable(lipsum):
            self.globals["lipsum"] = self._bounded_lipsum(lipsum)

    # --- refusing -------------------------------------------------------------------

    def refuse(self, what: str, size: int) -> None:
        raise JinjaLimitError(
            __(
                "{what} would make at least {size:,} characters, more than the limit of "
                "{limit:,} (envdeck_jinja_max_output)"
            ).format(what=what, size=size, limit=self.max_output)
        )

    def check_size(self, what: str, *values: Any, extra: int = 0) -> None:
        total = extra
        for value in values:
            if total > self.max_output:
                break
            total += text_size(value, self.max_output - total)
        if total > self.max_output:
            self.refuse(what, total)

    def check_result(self, what: str, result: Any) -> Any:
        sized = isinstance(result, Sized) and not isinstance(result, range)
        if sized and len(result) > self.max_output:
            self.refuse(what, len(result))
        return result

    # --- operators, output and concatenation ----------------------------------------

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            self._check_repeat(left, right)
            self._check_repeat(right, left)
        elif operator == "**":
            self._check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            self.check_size("'%' formatting", left, right, extra=_percent_widths(left, right))
        elif operator == "+" and isinstance(left, Sized) and isinstance(right, Sized):
            self._check_length("'+'", len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    def _check_length(self, what: str, size: int) -> None:
        if size > self.max_output:
            self.refuse(what, size)

    def _check_repeat(self, sequence: Any, times: Any) -> None:
        if isinstance(sequence, Sized) and isinstance(times, int) and times > 0:
            self._check_length("'*'", len(sequence) * times)

    def _check_power(self, base: Any, exponent: Any) -> None:
        if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
            digits = exponent * math.log10(abs(base))
            if digits > MAX_POWER_DIGITS:
                raise JinjaLimitError(
                    __(
                        "'**' would make a number of about {digits:,.0f} digits; "
                        "more than {most:,} cannot be printed"
                    ).format(digits=digits, most=MAX_POWER_DIGITS)
                )

    def bounded_output(self, value: Any) -> Any:
        """``finalize``: what ``{{ }}`` prints, checked before it is made text."""
        if not isinstance(value, str):
            self.check_size("printing a value", value)
        return value

    def bounded_concat(self, values: tuple[Any, ...]) -> str:
        self.check_size("'~'", *values)
        return "".join(map(str, values))

    # --- calls: filters, methods, globals -------------------------------------------

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            args = __self._check_call(f"str.{name}()", name, (owner, *args), kwargs)[1:]
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(owner, (list, dict, set)) and name in GROWING_METHODS:
            __self.check_result(f"{type(owner).__name__}.{name}()", owner)
        return __self.check_result(f"{name or 'a call'}()", result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = str(value.__self__)

        @functools.wraps(wrapped)
        def bounded(*args: Any, **kwargs: Any) -> str:
            widths = _format_widths(fmt, args, kwargs)
            self.check_size("str.format()", fmt, *args, *kwargs.values(), extra=widths)
            return wrapped(*args, **kwargs)

        return bounded

    def _bounded_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        if name in CHEAP_FILTERS:
            return func

        @functools.wraps(func)  # keeps jinja_pass_arg (pass_context and the like)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            args = self._check_call(f"the {name} filter", name, args, kwargs)
            return self.check_result(f"the {name} filter", func(*args, **kwargs))

        return bounded

    def _check_call(
        self, what: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> tuple[Any, ...]:
        """Refuse a call whose result would be too large; its args (a join's, listed)."""
        texts = [a for a in (*args, *kwargs.values()) if isinstance(a, str)]
        extra = 0
        if name in WIDTH_CALLS:
            lines = 1 + sum(t.count("\n") for t in texts)
            lines += sum(len(a) for a in args if isinstance(a, (list, tuple, dict)))
            widths = [*_ints(args, kwargs), *(len(t) for t in texts[1:])]
            extra = max(widths, default=0) * lines
        elif name == "replace":
            # (source, old, new): the filter's after its eval context, a method's after its str
            plain = [a for a in args if not isinstance(a, jinja2.nodes.EvalContext)]
            if len(plain) >= 3:
                source, old, new = plain[0], str(plain[1]), str(plain[2])
                if isinstance(source, str):
                    found = source.count(old) if old else len(source) + 1
                else:  # made text first: any character may match
                    found = text_size(source, self.max_output) + 1
                extra = found * len(new)
        elif name == "wordwrap" and texts:
            wrap = kwargs.get("wrapstring") or (texts[1] if len(texts) > 1 else "")
            extra = len(wrap) * (len(texts[0]) + 1)
        elif name == "join":
            return self._check_join(what, args, kwargs)
        elif name in ("format", "format_map") and texts:
            extra = _percent_widths(texts[0], args[1:]) + _format_widths(texts[0], args, kwargs)
        self.check_size(what, *args, *kwargs.values(), extra=extra)
        return args

    def _check_join(
        self, what: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> tuple[Any, ...]:
        # str.join(sep, items) or the join filter's (eval_ctx, items, sep)
        if args and isinstance(args[0], str):
            sep, index = args[0], 1
        else:
            index = 1 if args and isinstance(args[0], jinja2.nodes.EvalContext) else 0
            sep = kwargs.get("d", args[index + 1] if len(args) > index + 1 else "")
        if len(args) <= index:
            return args
        items = args[index]
        if not isinstance(items, Sized):
            # A generator (a map, a select) is listed, so that its length is known.
            items = list(items)
            args = (*args[:index], items, *args[index + 1 :])
        separators = len(str(sep)) * max(len(items) - 1, 0)
        self.check_size(what, items, extra=separators)
        return args

    def _bounded_lipsum(self, lipsum: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(lipsum)
        def bounded(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
            size = abs(int(n)) * abs(int(max)) * 12
            if size > self.max_output:
                self.refuse("lipsum()", size)
            return lipsum(n, html, min, max)

        return bounded


# --- the time limit ------------------------------------------------------------------


def _expired(seconds: float) -> JinjaLimitError:
    return JinjaLimitError(
        __(
            "the template ran longer than {seconds:g} s (envdeck_jinja_timeout) and was stopped"
        ).format(seconds=seconds)
    )


@contextmanager
def time_limit(seconds: float, filename: str) -> Iterator[None]:
    """Raise :class:`JinjaLimitError` in the code run inside, once ``seconds`` have passed."""
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if alarm:
        with _alarm(seconds):
            yield
    else:
        with _traced(seconds, filename):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise _expired(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    # It repeats, so that code which catches the first one is stopped by the next.
    started = time.monotonic()
    earlier, interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier:  # someone else's alarm (a test runner's timeout, say) goes on
            left = max(earlier - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, interval)


@contextmanager
def _traced(seconds: float, filename: str) -> Iterator[None]:
    # Outside the main thread there is no alarm: the template's own lines (and only
    # they, so the rest of the build runs at full speed) look at the clock.
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _expired(seconds)
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename == filename else None

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


def render_bounded(
    template: jinja2.Template,
    context: Mapping[str, Any],
    limits: Limits,
    filename: str,
    line_of: Callable[[str], int | None],
) -> str:
    """``template.render(context)`` within ``limits``; :class:`JinjaLimitError` past them.

    ``line_of`` finds the source line an output piece comes from: where the error's
    traceback names none, the output made so far tells how far the template got.
    """
    parts: list[str] = []
    total = 0
    try:
        with time_limit(limits.seconds, filename):
            for piece in template.generate(context):
                total += len(piece)
                parts.append(piece)
                if total > limits.max_output:
                    raise JinjaLimitError(
                        __(
                            "the template made more than {limit:,} characters "
                            "(envdeck_jinja_max_output) and was stopped"
                        ).format(limit=limits.max_output)
                    )
    except JinjaLimitError as err:
        err.lineno = next(filter(None, map(line_of, reversed(parts))), None)
        raise
    return "".join(parts)
