from __future__ import annotations

import pytest
import sphinx
from sphinx.errors import VersionRequirementError

import envdeck


def test_setup_metadata(build):
    built = build({"index.md": "# Hello\n\n:::{note}\nfenced\n:::\n"})
    ext = built.app.extensions["envdeck"]
    assert ext.version == envdeck.__version__
    assert ext.parallel_read_safe and ext.parallel_write_safe
    # colon fences were switched on by envdeck alone
    assert built.html().select_one("div.admonition.note")
    assert built.warnings == ""


UNKNOWN_CHECK = "# T\n\n```{envcheck} no-such-check\n```\n"


def test_warnings_name_their_type_on_every_supported_sphinx(build):
    # Sphinx 7 leaves the type out unless show_warning_types is on; envdeck turns it on.
    built = build({"index.md": UNKNOWN_CHECK})
    [line] = built.warning_lines()
    assert line.endswith("[envdeck.directive]")
    assert built.app.config.show_warning_types is True


def test_the_users_show_warning_types_is_kept(build):
    built = build(
        {"index.md": UNKNOWN_CHECK},
        conf='extensions = ["envdeck"]\nshow_warning_types = False\n',
    )
    [line] = built.warning_lines()
    assert "unknown check 'no-such-check'" in line
    assert not line.endswith("]")


def test_an_older_sphinx_than_7_3_is_refused_by_name(build, monkeypatch):
    # Faked: no Sphinx 7.2 runs here.  The version Sphinx compares is lowered, so
    # loading envdeck must stop with Sphinx's own "needs at least 7.3" error.
    monkeypatch.setattr(sphinx, "version_info", (7, 2, 6, "final", 0))
    with pytest.raises(VersionRequirementError, match=r"envdeck extension .* Sphinx v7\.3;"):
        build({"index.md": "# T\n"})
