"""Where envcheck results come from: which page asks for which check, and the cache.

Directives only *record* what they ask for (an :class:`EnvcheckUse` per
directive, kept on the environment per page).  The checks themselves run once
per build, in the main process, after every page has been read
(``env-updated``): each distinct :class:`CheckRequest` runs at most once however
many directives ask for it, concurrently in threads (checks mostly wait on
subprocesses), and also when reading ran in parallel worker processes (``-j``),
whose records are merged at ``env-merge-info``.  The pages are rendered from the
results when they are written (:mod:`envdeck.envcheck.render`).

Results persist with the environment between builds.  A result is reused while
the check's :func:`~envdeck.checks.fingerprint` (a cheap hash of what it depends
on) is unchanged; at ``env-get-outdated`` the pages whose checks' fingerprints
changed are marked outdated, so an incremental build re-runs exactly those checks
and re-renders exactly those pages (and the reports that list them).

A failing result is reported at its directive on every build, from the cache too:
a rebuild with nothing changed fails under ``-W`` as the first build did.
"""

from __future__ import annotations

import json
import time
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import checks
from ..translations import __, n__
from ..warnings_ import LOGGER, EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..checks import CheckContext, CheckResult

#: Outcomes an author may ask for with ``:expect:`` (``error`` is never the point).
EXPECTABLE = ("pass", "warn", "fail", "skip")

#: Checks run concurrently in threads; most of their time is spent in subprocesses.
MAX_THREADS = 8


@dataclass(frozen=True)
class CheckRequest:
    """One check as a directive asks for it: what identifies identical checks."""

    name: str
    project: str
    options: tuple[tuple[str, str], ...] = ()
    timeout: float = 5.0
    env_allowlist: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return json.dumps([self.name, self.project, self.options, self.timeout, self.env_allowlist])

    def context(self) -> CheckContext:
        return checks.CheckContext(
            project=Path(self.project),
            timeout=self.timeout,
            options=dict(self.options),
            env_allowlist=frozenset(self.env_allowlist),
        )


@dataclass(frozen=True)
class EnvcheckUse:
    """Where a page shows a check: an ``envcheck`` directive or a report's card."""

    request: CheckRequest
    docname: str
    lineno: int
    #: ``source:line`` of the directive, for warnings (right inside included files too)
    location: str
    node_id: str
    title: str = ""
    expect: str | None = None
    #: a card of ``envcheck-report``, not listed in the reports' tables
    in_report: bool = False


@dataclass
class CachedResult:
    fingerprint: str
    #: :meth:`CheckResult.to_dict` (plain data: the pickled env outlives class changes)
    result: dict[str, Any]
    #: when it ran (seconds since the epoch); shown only with ``envdeck_timestamps``
    checked_at: float

    @property
    def check_result(self) -> CheckResult:
        return checks.CheckResult.from_dict(self.result)

    @property
    def status(self) -> str:
        return str(checks.Status(self.result["status"]).value)


@dataclass
class EnvcheckData:
    """envdeck's envcheck state on the environment (pickled with it)."""

    #: docname -> its envchecks, in page order
    uses: dict[str, list[EnvcheckUse]] = field(default_factory=dict)
    #: pages with an ``envcheck-report``: re-written when any envcheck changes
    reports: set[str] = field(default_factory=set)
    #: CheckRequest.key -> its latest result
    results: dict[str, CachedResult] = field(default_factory=dict)
    #: the directory ``:project:`` is relative to (the conf dir)
    confdir: str = ""

    def add_use(self, use: EnvcheckUse) -> None:
        self.uses.setdefault(use.docname, []).append(use)

    def all_uses(self) -> Iterable[EnvcheckUse]:
        for docname in sorted(self.uses):
            yield from self.uses[docname]


def get_data(env: BuildEnvironment) -> EnvcheckData:
    data = getattr(env, "envdeck_envchecks", None)
    if not isinstance(data, EnvcheckData):
        data = EnvcheckData()
        env.envdeck_envchecks = data  # type: ignore[attr-defined]
    return data


@dataclass
class BuildRun:
    """What this build did (not pickled): fingerprints seen, checks run, problems logged."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    read_docs: set[str] = field(default_factory=set)
    #: a page with envchecks was removed or re-read: reports must be re-written
    uses_changed: bool = False
    #: statuses of the checks that ran, as :func:`tally_label` names them
    ran: list[str] = field(default_factory=list)
    run_seconds: float = 0.0
    in_use: int = 0
    #: the same, of the results in use that came from the cache
    cached: list[str] = field(default_factory=list)
    errors_logged: bool = False

    def fingerprint(self, request: CheckRequest) -> str:
        key = request.key
        if key not in self.fingerprints:
            try:
                self.fingerprints[key] = checks.fingerprint(request.name, request.context())
            except Exception as err:  # a broken fingerprint must not stop the build
                LOGGER.debug(__("envdeck: no fingerprint for %s: %r"), request.name, err)
                # Unique, so the check re-runs each build rather than go stale.
                self.fingerprints[key] = f"unavailable:{time.time_ns()}"
        return self.fingerprints[key]


_BUILD_RUNS: weakref.WeakKeyDictionary[Sphinx, BuildRun] = weakref.WeakKeyDictionary()


def build_run(app: Sphinx) -> BuildRun:
    run = _BUILD_RUNS.get(app)
    if run is None:
        run = _BUILD_RUNS[app] = BuildRun()
    return run


# --- events -----------------------------------------------------------------------


def start_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: remember what this build reads, and the conf dir."""
    get_data(env).confdir = str(app.confdir)
    build_run(app).read_docs.update(docnames)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    data = get_data(env)
    if data.uses.pop(docname, None):
        build_run(app).uses_changed = True
    data.reports.discard(docname)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """``env-merge-info``: take a parallel reader's records of the pages it read."""
    data, theirs = get_data(env), get_data(other)
    for docname in docnames:
        if docname in theirs.uses:
            data.uses[docname] = theirs.uses[docname]
        if docname in theirs.reports:
            data.reports.add(docname)


def outdated_docs(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: pages whose checks' fingerprints changed since their result."""
    data, run = get_data(env), build_run(app)
    skip = added | changed | removed
    outdated = set()
    for docname, uses in data.uses.items():
        if docname in skip:
            continue
        for use in uses:
            cached = data.results.get(use.request.key)
            if cached is None or cached.fingerprint != run.fingerprint(use.request):
                outdated.add(docname)
                break
    return sorted(outdated)


def run_pending_checks(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: run every check that has no fresh result; report problems.

    Returns the pages to (re-)write: those showing a check that ran, and the reports.
    """
    data, run = get_data(env), build_run(app)
    requests = {use.request.key: use.request for use in data.all_uses()}
    expects: dict[str, set[str | None]] = {}
    for use in data.all_uses():
        expects.setdefault(use.request.key, set()).add(use.expect)
    stale = [
        request
        for key, request in sorted(requests.items())
        if key not in data.results or data.results[key].fingerprint != run.fingerprint(request)
    ]
    if stale:
        # Imported here: a build with no envcheck to run (a deck of another doc set)
        # does without it.
        from concurrent.futures import ThreadPoolExecutor

        started = time.perf_counter()
        with ThreadPoolExecutor(min(MAX_THREADS, len(stale))) as pool:
            results = list(pool.map(_run_one, stale))
        run.run_seconds += time.perf_counter() - started
        for request, (result, checked_at) in zip(stale, results, strict=True):
            data.results[request.key] = CachedResult(
                run.fingerprint(request), result.to_dict(), checked_at
            )
            run.ran.append(tally_label(checks.Status(result.status).value, expects[request.key]))
    # Results no page shows any more would only grow the pickled env.
    for key in set(data.results) - set(requests):
        del data.results[key]
    run.in_use = len(requests)
    ran_keys = {request.key for request in stale}
    run.cached = [
        tally_label(data.results[key].status, expects[key])
        for key in requests
        if key not in ran_keys
    ]

    report_problems(app, data, run)

    rewrite = {
        docname
        for docname, uses in data.uses.items()
        if any(use.request.key in ran_keys for use in uses)
    }
    if ran_keys or run.uses_changed or any(d in data.uses for d in run.read_docs):
        rewrite |= data.reports
    return sorted(rewrite)


def _run_one(request: CheckRequest) -> tuple[CheckResult, float]:
    checked_at = time.time()
    return checks.run_check(request.name, request.context()), checked_at


def problem(use: EnvcheckUse, cached: CachedResult) -> str | None:
    """What is wrong with this envcheck's outcome, if anything."""
    result = cached.check_result
    status = cached.status
    fields = {"name": use.request.name, "summary": result.summary}
    if use.expect is not None:
        if status != use.expect:
            return __(
                "envcheck {name!r} was expected to {expect} but gave {status}: {summary}"
            ).format(expect=use.expect, status=status, **fields)
        return None
    if status == checks.Status.FAIL.value:
        return __("envcheck {name!r} failed: {summary}").format(**fields)
    if status == checks.Status.ERROR.value:
        return __("envcheck {name!r} could not run: {summary}").format(**fields)
    return None


def report_problems(app: Sphinx, data: EnvcheckData, run: BuildRun) -> None:
    """Every failing check in use is a warning at its directive, on every build.

    Pages that were not re-read are included: their results still fail, so a rebuild
    with nothing changed fails under ``-W`` (or ``"error"``) as the first build did.
    """
    policy = app.config.envdeck_check_failures
    if policy == "silent":
        return
    for docname in sorted(data.uses):
        for use in data.uses[docname]:
            cached = data.results.get(use.request.key)
            message = cached and problem(use, cached)
            if not message:
                continue
            error = policy == "error"
            location = use.location or (docname, use.lineno)
            warn(message, EnvdeckWarning.CHECK, location=location, error=error)
            run.errors_logged |= error


def finish_build(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: one line on what the checks did; fail the build on errors."""
    run = _BUILD_RUNS.pop(app, None)
    if run is None or exception is not None:
        return
    if run.errors_logged:
        # envdeck_check_failures = "error": the build fails without -W.
        app.statuscode = 1
    if not run.ran and not run.in_use:
        return
    cached = __("{count} cached").format(count=len(run.cached))
    # A cached failure is named: the build may fail on it with no check run.
    loud = by_status(
        s for s in run.cached if s in (checks.Status.FAIL.value, checks.Status.ERROR.value)
    )
    if loud:
        cached += __("; {tally} (cached)").format(tally=loud)
    if run.ran:
        LOGGER.info(
            n__(
                "envdeck: {count} check ran ({tally}) in {seconds:.1f} s; {cached}",
                "envdeck: {count} checks ran ({tally}) in {seconds:.1f} s; {cached}",
                len(run.ran),
            ).format(
                count=len(run.ran),
                tally=by_status(run.ran),
                seconds=run.run_seconds,
                cached=cached,
            )
        )
    else:
        LOGGER.info(__("envdeck: no check ran; {cached}").format(cached=cached))


def tally_label(status: str, expects: set[str | None]) -> str:
    """``status``, or ``"expected fail"`` when every use of the result asks for that
    outcome with ``:expect:``: a demonstration's failure is not one to count."""
    if status != checks.Status.PASS.value and expects == {status}:
        return f"expected {status}"
    return status


def by_status(statuses: Iterable[str]) -> str:
    """``"2 pass, 1 fail, 1 expected fail"``: how many of each status, in
    the order of :class:`~envdeck.checks.Status`, then the expected ones."""
    order = [status.value for status in checks.Status]
    counts = Counter(statuses)
    # The statuses are the checks' own names (as :expect: takes them), not words.
    tally = [f"{counts[s]} {s}" for s in order if counts[s]]
    for status in order:
        if counts[f"expected {status}"]:
            tally.append(
                __("{count} expected {status}").format(
                    count=counts[f"expected {status}"], status=status
                )
            )
    return ", ".join(tally)


def known_checks() -> str:
    return ", ".join(checks.check_names())
