"""The check library's core: results, contexts, the registry, and running a check.

Nothing here imports Sphinx: the same checks serve the ``envcheck`` directive,
the ``envdeck check`` command line and the tests.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import CheckSkipped, CheckTimeout, start_clock
from .redact import Redactor
from .values import parse_seconds

#: Seconds a check may run past ``ctx.timeout`` (thread start-up, cleaning up) before
#: it is abandoned and reported as timed out.
TIMEOUT_MARGIN = 1.0


class Status(str, Enum):
    """A check's outcome."""

    PASS = "pass"
    """What was measured is as it should be."""
    WARN = "warn"
    """It works, but something is fragile or surprising."""
    FAIL = "fail"
    """What was measured is broken."""
    SKIP = "skip"
    """The check does not apply here (no git, no GPU, no repository, ...)."""
    ERROR = "error"
    """The check itself could not run: a bad option, a timeout, a bug."""

    def __str__(self) -> str:
        return self.value


@dataclass
class CheckResult:
    """What a check measured; published in pages, so every text in it is redacted."""

    name: str
    status: Status
    title: str
    #: one line
    summary: str
    #: what was measured, in a meaningful order (a dict keeps it)
    facts: dict[str, str] = field(default_factory=dict)
    #: longer output (a freeze, ldd lines, ...), shown on request
    details: str = ""
    #: seconds the check ran
    duration: float = 0.0
    #: the facts a compact slide card shows
    key_facts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able plain data (``--json``, the build cache)."""
        return {
            "name": self.name,
            "status": self.status.value,
            "title": self.title,
            "summary": self.summary,
            "facts": dict(self.facts),
            "details": self.details,
            "duration": round(self.duration, 4),
            "key_facts": list(self.key_facts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        try:
            status = Status(data.get("status", "error"))
        except ValueError:
            status = Status.ERROR
        return cls(
            name=str(data.get("name", "")),
            status=status,
            title=str(data.get("title", "")),
            summary=str(data.get("summary", "")),
            facts={str(k): str(v) for k, v in dict(data.get("facts") or {}).items()},
            details=str(data.get("details", "")),
            duration=float(data.get("duration", 0.0) or 0.0),
            key_facts=tuple(str(k) for k in data.get("key_facts") or ()),
        )


@dataclass(frozen=True)
class CheckContext:
    """Where and how to run a check."""

    #: the project directory (its uv.lock, pyproject.toml, .gitignore, .venv)
    project: Path
    #: seconds the check may take before it reports ``error``
    timeout: float = 5.0
    #: check-specific options, raw strings (as a directive gives them)
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: environment variables whose values may appear in results
    env_allowlist: frozenset[str] = frozenset()


@dataclass
class Outcome:
    """What a check function returns; :func:`run_check` makes the :class:`CheckResult`."""

    status: Status
    summary: str
    facts: dict[str, str] = field(default_factory=dict)
    details: str = ""
    #: overrides the check's default key facts
    key_facts: tuple[str, ...] | None = None


@dataclass
class Findings:
    """What a check collects as it goes: facts, and problems that fail or warn.

    :meth:`outcome` ends the check: it fails when anything failed, else warns when
    anything warned, else passes.
    """

    facts: dict[str, str] = field(default_factory=dict)
    fails: list[str] = field(default_factory=list)
    warns: list[str] = field(default_factory=list)
    details: str = ""

    def outcome(
        self, passed: str, *, fail_prefix: str = "", warn_prefix: str = "", warn_suffix: str = ""
    ) -> Outcome:
        """The outcome: the fails or the warns joined by ``;`` (between the prefix and
        suffix given), else ``passed``."""
        if self.fails:
            return Outcome(
                Status.FAIL, fail_prefix + "; ".join(self.fails), self.facts, self.details
            )
        if self.warns:
            summary = warn_prefix + "; ".join(self.warns) + warn_suffix
            return Outcome(Status.WARN, summary, self.facts, self.details)
        return Outcome(Status.PASS, passed, self.facts, self.details)


CheckFunc = Callable[[CheckContext, Mapping[str, Any]], Outcome]


@dataclass(frozen=True)
class Check:
    """A registered check."""

    name: str
    title: str
    #: what it measures, for docs and ``envdeck check --list``
    description: str
    #: ``func(ctx, options)``: options converted by :attr:`options`
    func: CheckFunc
    #: option name -> converter (raises ValueError naming the valid values)
    options: Mapping[str, Callable[[str], Any]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: what invalidates a result (see :func:`fingerprint`)
    depends_on: tuple[str, ...] = ()
    #: facts a compact card shows
    key_facts: tuple[str, ...] = ()
    #: option name -> default, when the option is not given
    defaults: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


_REGISTRY: dict[str, Check] = {}

#: The modules that register the checks, imported on first use of the registry: a
#: Sphinx build of pages without an envcheck never pays for importing them.
CHECK_MODULES = ("ide", "interpreter", "kernels", "locking", "native", "packages", "vcs", "venvs")
_LOADING = threading.RLock()
_loaded = False


def _load_checks() -> None:
    global _loaded
    if _loaded:
        return
    with _LOADING:
        if not _loaded:
            for module in CHECK_MODULES:
                importlib.import_module(f"{__package__}.{module}")
            _loaded = True


#: The order checks are listed in: from the interpreter outwards to what uses it.
ORDER = (
    "python", "platform", "venv", "venv-paths", "venv-relocation", "gitignore",
    "lockfile", "freeze", "system-libs", "gpu", "jupyter", "ide", "packages",
)  # fmt: skip


def register(check: Check) -> Check:
    if check.name in _REGISTRY:
        raise ValueError(f"check {check.name!r} is registered twice")
    _REGISTRY[check.name] = check
    return check


def check(
    name: str,
    title: str,
    *,
    options: Mapping[str, Callable[[str], Any]] | None = None,
    defaults: Mapping[str, Any] | None = None,
    depends_on: Iterable[str] = (),
    key_facts: Iterable[str] = (),
) -> Callable[[CheckFunc], CheckFunc]:
    """Decorator registering ``func`` as check ``name``; its docstring is the description."""

    def decorate(func: CheckFunc) -> CheckFunc:
        register(
            Check(
                name=name,
                title=title,
                description=" ".join((func.__doc__ or "").split()),
                func=func,
                options=MappingProxyType(dict(options or {})),
                depends_on=tuple(depends_on),
                key_facts=tuple(key_facts),
                defaults=MappingProxyType(dict(defaults or {})),
            )
        )
        return func

    return decorate


def check_names() -> list[str]:
    """Every check's name, in the documented order."""
    _load_checks()
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(_REGISTRY, key=lambda name: rank.get(name, len(rank)))


def get_check(name: str) -> Check:
    """The check called ``name``; ``KeyError`` for an unknown name."""
    _load_checks()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(check_names())
        raise KeyError(f"unknown check {name!r}; the checks are: {known}") from None


def convert_options(check: Check, raw: Mapping[str, str]) -> dict[str, Any]:
    """Converted options with defaults filled in; ``ValueError`` for a bad one."""
    converted = dict(check.defaults)
    for option, value in raw.items():
        convert = check.options.get(option)
        if convert is None:
            valid = ", ".join(check.options) or "none"
            raise ValueError(f"unknown option {option!r} (options of {check.name}: {valid})")
        try:
            converted[option] = convert(value)
        except ValueError as err:
            raise ValueError(f"option {option!r}: {err}") from None
    return converted


def run_check(name: str, ctx: CheckContext) -> CheckResult:
    """Run check ``name``; never raises, never holds much past ``ctx.timeout``."""
    start = time.perf_counter()
    redactor = Redactor.for_environment(ctx.env_allowlist)
    _load_checks()
    check = _REGISTRY.get(name)
    if check is None:
        return redactor.result(
            CheckResult(
                name=name,
                status=Status.ERROR,
                title=name,
                summary=f"unknown check {name!r}; the checks are: {', '.join(check_names())}",
            )
        )
    outcome = _run_guarded(check, ctx)
    result = CheckResult(
        name=check.name,
        status=outcome.status,
        title=check.title,
        summary=" ".join(outcome.summary.split()),
        facts={str(k): str(v) for k, v in outcome.facts.items()},
        details=outcome.details.rstrip(),
        duration=time.perf_counter() - start,
        key_facts=tuple(outcome.key_facts if outcome.key_facts is not None else check.key_facts),
    )
    return redactor.result(result)


def _run_guarded(check: Check, ctx: CheckContext) -> Outcome:
    # Results name absolute paths, whatever the caller's working directory was.
    ctx = replace(ctx, project=Path(ctx.project).expanduser().absolute())
    try:
        options = convert_options(check, ctx.options)
    except ValueError as err:
        return Outcome(Status.ERROR, str(err))
    try:
        timeout = parse_seconds(ctx.timeout)
    except ValueError as err:
        return Outcome(Status.ERROR, f"invalid timeout: {err}")
    box: dict[str, Outcome] = {}

    def target() -> None:
        start_clock(timeout)
        box["outcome"] = _call(check, ctx, options, timeout)

    # A thread, so that a check stuck in Python code (not a subprocess, whose own
    # timeout ends it) cannot hold the build: it is abandoned after the timeout.
    thread = threading.Thread(target=target, name=f"envdeck-check-{check.name}", daemon=True)
    thread.start()
    thread.join(timeout + TIMEOUT_MARGIN)
    if thread.is_alive() or "outcome" not in box:
        return Outcome(Status.ERROR, f"timed out after {timeout:g} s")
    return box["outcome"]


def _call(check: Check, ctx: CheckContext, options: Mapping[str, Any], timeout: float) -> Outcome:
    try:
        outcome = check.func(ctx, options)
    except CheckSkipped as err:
        return Outcome(Status.SKIP, str(err))
    except CheckTimeout as err:
        return Outcome(Status.ERROR, f"timed out after {timeout:g} s ({err})")
    except Exception as err:
        return Outcome(Status.ERROR, f"the check crashed: {type(err).__name__}: {err}")
    if not isinstance(outcome, Outcome):
        return Outcome(Status.ERROR, f"the check returned {type(outcome).__name__}, not Outcome")
    return outcome
