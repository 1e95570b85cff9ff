"""The full spec is read from plugin.spec.yaml where it is, not from a copy in generated code."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from actionkit import specfile
from actionkit.codegen import generate
from actionkit.runtime import Plugin
from actionkit.spec import load_spec
from unit_test.actionkit.server_helpers import make_app, wsgi_call

SPECS = Path(__file__).resolve().parent / "specs"
PKG = "icon_widget"


@pytest.fixture
def plugin_root(tmp_path, monkeypatch):
    """A generated plugin checkout: plugin.spec.yaml at the root, above the package."""
    shutil.copy(SPECS / "full.yaml", tmp_path / "plugin.spec.yaml")
    generate(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(specfile, "_LOADED", {})
    yield tmp_path
    for name in [name for name in sys.modules if name == PKG or name.startswith(PKG + ".")]:
        del sys.modules[name]


def _load() -> specfile.PluginSpec:
    plugin = Plugin.load(PKG)
    return specfile.load(PKG, plugin.manifest.SPEC_SHA256)


def test_a_checkout_reads_the_spec_at_the_plugin_root(plugin_root):
    found = _load()
    assert found.path == plugin_root / "plugin.spec.yaml"
    assert (found.text, found.data) == ((plugin_root / "plugin.spec.yaml").read_text(),
                                       load_spec(plugin_root / "plugin.spec.yaml").data)


def test_an_installed_package_reads_the_copy_it_ships_before_any_other(plugin_root):
    shutil.copy(plugin_root / "plugin.spec.yaml", plugin_root / PKG / "plugin.spec.yaml")
    (plugin_root / "plugin.spec.yaml").write_text("name: another plugin's spec\n")
    assert _load().path == plugin_root / PKG / "plugin.spec.yaml"


def test_a_spec_edited_since_generating_is_named_with_the_fix(plugin_root):
    (plugin_root / "plugin.spec.yaml").write_text((SPECS / "full.yaml").read_text() + "\n# edited\n")
    message = (f"{plugin_root / 'plugin.spec.yaml'} is not the spec icon_widget was generated from; "
               "regenerate with: python -m actionkit generate")
    with pytest.raises(specfile.SpecFileError, match=f"^{re.escape(message)}$"):
        _load()


def test_a_missing_spec_says_where_it_was_looked_for(plugin_root):
    (plugin_root / "plugin.spec.yaml").unlink()
    inside, above = plugin_root / PKG / "plugin.spec.yaml", plugin_root / "plugin.spec.yaml"
    message = (f"plugin.spec.yaml of icon_widget is missing (looked at {inside} and {above}); "
               "an installed plugin ships it inside its package")
    with pytest.raises(specfile.SpecFileError, match=f"^{re.escape(message)}$"):
        _load()


def test_the_spec_routes_answer_500_naming_the_problem(plugin_root):
    (plugin_root / "plugin.spec.yaml").unlink()
    app = make_app(Plugin.load(PKG))[0]
    for path in ("/api/v1/spec", "/api/v1/actions/ping"):
        reply = wsgi_call(app, "GET", path)
        assert reply.status == 500
        assert reply.json()["description"].startswith("plugin.spec.yaml of icon_widget is missing")
    assert wsgi_call(app, "GET", "/api/v1/actions/nope").status == 400  # unknown: no need to read the spec
