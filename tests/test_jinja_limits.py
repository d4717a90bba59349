"""The Jinja stage is bounded: too long or too large is a typed warning, the page as written."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from envdeck.jinja_limits import (
    BoundedEnvironment,
    JinjaLimitError,
    Limits,
    render_bounded,
    text_size,
)

PIDS = """
extensions = ["envdeck"]
import os
from pathlib import Path
def setup(app):
    def log(app, docname, source):
        with open(Path(app.srcdir) / "pids.log", "a") as f:
            f.write(f"{os.getpid()}\\n")
    app.connect("source-read", log)
"""

HUGE = """\
# Huge

{% if slide %}A slide.{% endif %}

{{ 'a' * 10**9 }}
"""

LOOPS = """\
# Loops

{% if slide %}A slide.{% endif %}
Text before.
{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}
"""

FLOOD = """\
# Flood

{% if slide %}A slide.{% endif %}
{% for i in range(99999) %}
line {{ i }}
{% endfor %}
"""

FINE = """\
# Fine

{% if slide %}A slide.{% endif %}
{{ '-' * 40 }} {{ ['a', 'b']|join(', ') }} {{ 'x'|center(9) }} {{ '%5s' % 'y' }}
{{ '{:>6}'.format('z') }} {{ 2**64 }} {{ 'ab' ~ 'cd' }} {{ 'q'.ljust(4) }}|
"""


def page_text(built, docname: str) -> str:
    return built.html(docname).select_one("section").get_text()


def test_a_huge_value_is_refused_before_it_is_made(build):
    built = build({"index.md": HUGE})
    (line,) = built.warning_lines()
    assert "index.md:5: WARNING: Jinja limit: '*' would make at least 1,000,000,000" in line
    assert "envdeck_jinja_max_output" in line and line.endswith("[envdeck.jinja]")
    # The page as written, unrendered.
    assert "* 10**9 }}" in page_text(built, "index")


@pytest.mark.parametrize("parallel", [0, 2])
def test_endless_loops_stop_at_the_time_limit(build, parallel):
    # More than five pages: Sphinx reads fewer in one process, -j or not.
    others = {f"other{i}.md": f"# Other {i}\n\n{{{{ prose }}}}\n" for i in range(4)}
    toc = "\n".join(["loops", "flood", "fine", *(name[:-3] for name in others)])
    files = {"index.md": f"# Index\n\n```{{toctree}}\n{toc}\n```\n", **others}
    files |= {"loops.md": LOOPS, "flood.md": FLOOD, "fine.md": FINE}
    conf = PIDS + "envdeck_jinja_timeout = 1\nenvdeck_jinja_max_output = 5000\n"
    built = build(files, conf=conf, parallel=parallel)
    # Read in worker processes where -j asks for it: SIGALRM works in each of them.
    readers = set((built.srcdir / "pids.log").read_text().split())
    assert (readers != {str(os.getpid())}) == bool(parallel)
    lines = sorted(built.warning_lines())
    assert len(lines) == 2, lines
    flood, loops = lines
    assert "flood.md:5: WARNING: Jinja limit: the template made more than 5,000 characters" in flood
    assert "loops.md:5: WARNING: Jinja limit: the template ran longer than 1 s" in loops
    assert "envdeck_jinja_timeout" in loops
    assert "range(99999)" in page_text(built, "loops")
    assert "{{ i }}" in page_text(built, "flood")
    fine = page_text(built, "fine")
    assert "{{" not in fine and "}}" not in fine
    for made in ("a, b     x    ", "    y", "18446744073709551616 abcd q   |"):
        assert made in fine


def test_the_limits_are_config_values(build):
    # The limit counts the whole page's output, and any one value in it.
    page = "# P\n\n{% if slide %}s{% endif %}\n{{ 'a' * 900 }}\n"
    under = build({"index.md": page}, confoverrides={"envdeck_jinja_max_output": "1000"})
    assert under.warnings == ""
    assert "a" * 900 in under.html().get_text()
    over = build(
        {"index.md": page.replace("900", "1001")},
        confoverrides={"envdeck_jinja_max_output": "1000"},
        freshenv=True,
    )
    assert "index.md:4: WARNING: Jinja limit: '*' would make at least 1,001" in over.warnings


def test_alarm_is_put_back_after_each_page():
    env = BoundedEnvironment(1000)
    template = env.from_string("{{ 'x' * 3 }}")
    before = signal.getsignal(signal.SIGALRM)
    assert render_bounded(template, {}, Limits(5, 1000), "<t>", lambda _: None) == "xxx"
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)

    # An alarm set before (a test runner's timeout, say) is put back with its time left.
    def theirs(signum, frame):
        raise AssertionError("not yet")

    signal.signal(signal.SIGALRM, theirs)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        render_bounded(template, {}, Limits(5, 1000), "<t>", lambda _: None)
        assert signal.getsignal(signal.SIGALRM) is theirs
        assert 95 < signal.getitimer(signal.ITIMER_REAL)[0] <= 100
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_outside_the_main_thread_the_time_limit_still_holds():
    # No SIGALRM there: the template's own frames look at the clock.
    env = BoundedEnvironment(10**6)
    name = "<envdeck:threaded>"
    source = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    template = env.from_string(source)
    template = env.template_class.from_code(
        env, env.compile(source, name=name, filename=name), env.make_globals(None)
    )
    caught: list[BaseException] = []

    def run() -> None:
        try:
            render_bounded(template, {}, Limits(0.5, 10**6), name, lambda _: None)
        except BaseException as err:
            caught.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert len(caught) == 1 and isinstance(caught[0], JinjaLimitError)
    assert "longer than 0.5 s" in str(caught[0])


@pytest.mark.parametrize(
    "source",
    [
        "{{ 10**(10**10) }}",
        "{{ 'x'.center(10**10) }}",
        "{{ 'x'|center(10**10) }}",
        "{{ '{:>9999999999}'.format(1) }}",
        "{{ '{:{w}}'.format('x', w=10**10) }}",
        "{{ '%9999999999s' % 'x' }}",
        "{{ '%*s' % (10**10, 'x') }}",
        "{{ ('a' * 10**6)|replace('a', 'b' * 100) }}",
        "{{ ('a' * 10**6).replace('a', 'b' * 100) }}",
        "{% set b = 'a' * 10**6 %}{{ range(99999)|join(b) }}",
        "{% set b = 'a' * 10**6 %}{{ b ~ b ~ b ~ b ~ b ~ b ~ b ~ b ~ b ~ b ~ b }}",
        "{% set b = 'a' * 10**6 %}{{ ([b] * 1000)|string }}",
        "{% set b = 'a' * 10**6 %}{{ [b] * 1000 }}",
        "{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}"
        "{% endfor %}",
        "{{ lipsum(10**6) }}",
        "{{ {'a': 1}|tojson(indent=10**9) }}",
        "{{ ('a ' * 10**5)|wordwrap(1, wrapstring='x' * 1000) }}",
        "{% set x = [] %}{% for i in range(99999) %}{{ x.extend(range(99999)) or '' }}{% endfor %}",
    ],
)
def test_amplifiers_are_refused_before_they_run(source):
    env = BoundedEnvironment(10**7)
    with pytest.raises(JinjaLimitError, match=r"would make|cannot be printed"):
        render_bounded(env.from_string(source), {}, Limits(20, 10**7), "<t>", lambda _: None)


def test_text_size_walks_containers_and_stops_at_its_budget():
    assert text_size("abc", 10) == 3
    assert text_size(["ab", ["cd"]], 100) >= len(str(["ab", ["cd"]])) - 4
    looped: list[object] = []
    looped.append(looped)
    assert text_size(looped, 100) < 100
    big = ["x" * 1000] * 10**5
    assert text_size([big] * 10**5, 5000) > 5000  # stops early: no 10**10 walk


def test_the_include_read_path_is_bounded_too(build, tmp_path: Path):
    files = {
        "index.md": "# Main\n\n```{include} part.md\n```\n",
        "part.md": "{% if slide %}s{% endif %}\n\n{{ 'a' * 10**9 }}\n",
    }
    built = build(files, conf='extensions = ["envdeck"]\nexclude_patterns = ["part.md"]\n')
    (line,) = built.warning_lines()
    assert "part.md:3: WARNING: Jinja limit: '*'" in line
