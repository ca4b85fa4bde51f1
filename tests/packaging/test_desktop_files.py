"""Desktop integration: the .desktop file, AppStream metainfo, icons and packaging/linux/install.sh.

The validators (`desktop-file-validate` from desktop-file-utils, `appstreamcli` from appstream)
are skipped when missing, unless GDSIM_REQUIRE_DESKTOP_TOOLS=1 makes that a failure.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import gdsim
from gdsim.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.gdsim.Gdsim"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
INSTALL_SH = LINUX / "install.sh"
RENDER_ICONS = ROOT / "packaging" / "render_icons.py"
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
DEBIAN_PACKAGE = {"desktop-file-validate": "desktop-file-utils", "appstreamcli": "appstream"}

posix_shell = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("sh") is None, reason="needs a POSIX sh"
)


def tool(name: str) -> str:
    """The tool's path; skips if it is missing (fails with GDSIM_REQUIRE_DESKTOP_TOOLS=1)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found (Debian/Ubuntu package: {DEBIAN_PACKAGE[name]})"
        if os.environ.get("GDSIM_REQUIRE_DESKTOP_TOOLS") == "1":
            pytest.fail(message + "; GDSIM_REQUIRE_DESKTOP_TOOLS=1 requires it")
        pytest.skip(message)
    return path


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, env=env
    )


def desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def appstream_version() -> tuple[int, ...]:
    out = run(tool("appstreamcli"), "--version").stdout
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(g or 0) for g in found.groups()) if found else (0,)


def appstream_validate(*args) -> subprocess.CompletedProcess:
    """`appstreamcli validate --no-net ...`, with AppStream >= 1.0's homepage warning demoted.

    gdsim has no public homepage yet, so there is no honest <url type="homepage"> to give.
    AppStream 1.0 reports that as the warning url-homepage-missing and lists it among the tags
    a project may override "in case a component really doesn't have an active homepage";
    AppStream 0.16 has no such check (and rejects overriding a tag it does not know).
    """
    command = [tool("appstreamcli"), *args[:1], "--no-net"]
    if appstream_version() >= (1, 0):
        command.append("--override=url-homepage-missing=info")
    return run(*command, *args[1:])


def issues(output: str, severities: str) -> list[str]:
    """The validator's issue lines (E: error, W: warning, I: info, P: pedantic) of these kinds."""
    return [line.strip() for line in output.splitlines() if re.match(rf"\s*[{severities}]: ", line)]


# ----------------------------------------------------------------------------------------------
# the validators


def test_desktop_file_passes_desktop_file_validate_without_hints():
    result = run(tool("desktop-file-validate"), DESKTOP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""  # no errors, warnings or hints


def test_metainfo_passes_appstreamcli_validate_without_errors_or_warnings():
    result = appstream_validate("validate", METAINFO)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert issues(report, "EW") == [], report
    assert "Validation was successful" in report


def test_metainfo_infos_are_only_the_documented_ones():
    """Infos do not fail validation, but each one here is known and explained.

    AppStream < 1.0 does not know the <developer> block that AppStream 1.0 introduced (it
    replaces the deprecated <developer_name>) and reports it as `unknown-tag developer`; 1.0
    reports the missing homepage (see appstream_validate). A new info means: read it, then fix
    the file or add it here with the reason.
    """
    documented = {("unknown-tag", "developer"), ("url-homepage-missing", "")}
    result = appstream_validate("validate", METAINFO)
    report = result.stdout + result.stderr
    found = set()
    for line in issues(report, "I"):
        match = re.match(r"I: [^:]*:[^:]*: (\S+) ?(.*)$", line)
        assert match, line
        found.add((match.group(1), match.group(2).strip()))
    assert found <= documented, report


# ----------------------------------------------------------------------------------------------
# the desktop file and the metainfo agree with each other and with the code


def test_desktop_entry_runs_gdsim_with_the_app_id_icon():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "gdsim"
    assert entry["Exec"] == "gdsim %f"  # at most one config file, as `gdsim FILE.json` takes
    assert entry["TryExec"] == "gdsim"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    # Qt's X11 window class is the application name that make_application() sets.
    assert entry["StartupWMClass"] == "gdsim"
    # No MimeType: gdsim's configs are plain JSON, and claiming application/json would offer
    # gdsim for every JSON file (most of which it would refuse with a one-line error).
    assert "MimeType" not in entry
    assert "Education" in entry["Categories"].split(";")


def test_the_app_announces_the_desktop_file_name(qapp):
    # On Wayland the compositor finds the desktop file (and so the icon) by this name.
    from gdsim.app import make_application

    assert make_application().desktopFileName() == APP_ID


def test_metainfo_matches_the_desktop_file_and_the_package():
    root = metainfo()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID == DESKTOP.name.removesuffix(".desktop")
    assert METAINFO.name == f"{APP_ID}.metainfo.xml"
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id" and launchable.text == DESKTOP.name
    assert [b.text for b in root.iterfind("provides/binary")] == ["gdsim"]
    assert root.findtext("metadata_license") == "CC0-1.0"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'license = "{root.findtext("project_license")}"' in pyproject
    assert root.findtext("name") == desktop_entry()["Name"] == "gdsim"
    categories = [c.text for c in root.iterfind("categories/category")]
    assert categories == [c for c in desktop_entry()["Categories"].split(";") if c]
    assert root.find("content_rating").get("type") == "oars-1.1"
    assert root.findtext("developer/name") == "The gdsim developers"


def test_newest_release_is_this_version():
    releases = metainfo().findall("releases/release")
    assert releases, "no <release> in the metainfo"
    newest = releases[0]
    assert newest.get("version") == gdsim.__version__
    date.fromisoformat(newest.get("date"))  # a full ISO 8601 date
    dates = [r.get("date") for r in releases]
    assert dates == sorted(dates, reverse=True), "releases must be newest first"


# ----------------------------------------------------------------------------------------------
# the icon files


def test_svg_icon_is_valid_and_square(qapp):
    from PySide6.QtSvg import QSvgRenderer

    svg = ICONS / "gdsim.svg"
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    assert width == height
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    assert renderer.defaultSize().width() == renderer.defaultSize().height() > 0


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_exists_at_its_size(qapp, size):
    from PySide6.QtGui import QImage

    path = ICONS / "png" / f"gdsim-{size}.png"
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is missing or unreadable"
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    corner = image.pixelColor(0, 0)
    assert corner.alpha() == 0, "the corners outside the rounded tile are transparent"


def test_windows_ico_holds_every_size(qapp):
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(ICONS / "gdsim.ico"))
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        assert image.width() == image.height()
        sizes.append(image.width())
    assert sorted(sizes) == list(ICO_SIZES)


def test_rendered_icons_are_up_to_date_with_the_svg():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = run(sys.executable, RENDER_ICONS, "--check", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def _mean_difference(a, b) -> float:
    from PySide6.QtGui import QImage

    def pixels(image):
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
        data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
        return data[:, : 4 * image.width()].astype(np.int16)  # a copy, while image lives

    return float(np.abs(pixels(a) - pixels(b)).mean())


def test_app_icon_uses_the_png_at_each_size_and_the_svg_between(qapp):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

    from gdsim.app.icon import app_icon

    icon = app_icon()
    assert not icon.isNull()
    for size in PNG_SIZES:
        shown = icon.pixmap(QSize(size, size)).toImage()
        assert (shown.width(), shown.height()) == (size, size)
        png = QImage(str(resource_path("icons", "png", f"gdsim-{size}.png")))
        assert _mean_difference(shown, png) < 1.0, f"the {size} px pixmap is not the PNG"
    between = icon.pixmap(QSize(20, 20)).toImage()  # no PNG: drawn from the SVG
    assert (between.width(), between.height()) == (20, 20)
    assert between.pixelColor(10, 10).alpha() == 255


# ----------------------------------------------------------------------------------------------
# install.sh


def _stub_tools(folder: Path) -> Path:
    """update-desktop-database and gtk-update-icon-cache stand-ins that log their arguments."""
    folder.mkdir()
    log = folder / "calls.log"
    for name in ("update-desktop-database", "gtk-update-icon-cache"):
        stub = folder / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
        stub.chmod(0o755)
    return log


def _fake_gdsim(folder: Path) -> Path:
    folder.mkdir(parents=True)
    program = folder / "gdsim"
    program.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    program.chmod(0o755)
    return program


def _files(prefix: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(prefix)): p.read_bytes() for p in sorted(prefix.rglob("*")) if p.is_file()
    }


def _install(prefix: Path, stubs: Path, *args) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PREFIX": str(prefix),
        "HOME": str(prefix.parent / "home"),  # never the real one
        "PATH": f"{stubs}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return run("sh", INSTALL_SH, *args, env=env)


@posix_shell
def test_install_sh_installs_idempotently_and_uninstalls_cleanly(tmp_path):
    prefix, stubs = tmp_path / "prefix", tmp_path / "stubs"
    log = _stub_tools(stubs)
    program = _fake_gdsim(tmp_path / "my venv" / "bin")  # a space, as in many real paths

    first = _install(prefix, stubs, "--exec", program)
    assert first.returncode == 0, first.stderr
    installed = _files(prefix)
    share = "share/"
    expected = {
        f"{share}applications/{APP_ID}.desktop",
        f"{share}metainfo/{APP_ID}.metainfo.xml",
        f"{share}icons/hicolor/scalable/apps/{APP_ID}.svg",
        *(f"{share}icons/hicolor/{s}x{s}/apps/{APP_ID}.png" for s in PNG_SIZES),
    }
    assert set(installed) == expected
    assert installed[f"{share}metainfo/{APP_ID}.metainfo.xml"] == METAINFO.read_bytes()
    assert (
        installed[f"{share}icons/hicolor/scalable/apps/{APP_ID}.svg"]
        == (ICONS / "gdsim.svg").read_bytes()
    )
    for s in PNG_SIZES:
        png = (ICONS / "png" / f"gdsim-{s}.png").read_bytes()
        assert installed[f"{share}icons/hicolor/{s}x{s}/apps/{APP_ID}.png"] == png

    desktop = prefix / f"{share}applications/{APP_ID}.desktop"
    entry = desktop_entry(desktop)
    assert entry["Exec"] == f'"{program}" %f'
    assert entry["TryExec"] == str(program)
    assert entry["Icon"] == APP_ID
    assert not log.exists(), "no cache existed, so none is created"

    second = _install(prefix, stubs, "--exec", program)
    assert second.returncode == 0, second.stderr
    assert _files(prefix) == installed

    removed = _install(prefix, stubs, "--uninstall")
    assert removed.returncode == 0, removed.stderr
    assert _files(prefix) == {}
    again = _install(prefix, stubs, "--uninstall")
    assert again.returncode == 0, again.stderr


@posix_shell
def test_install_sh_refreshes_caches_that_exist(tmp_path):
    prefix, stubs = tmp_path / "prefix", tmp_path / "stubs"
    log = _stub_tools(stubs)
    program = _fake_gdsim(tmp_path / "bin")
    hicolor = prefix / "share" / "icons" / "hicolor"
    applications = prefix / "share" / "applications"
    hicolor.mkdir(parents=True)
    applications.mkdir(parents=True)
    (hicolor / "icon-theme.cache").write_bytes(b"")
    (applications / "mimeinfo.cache").write_text("[MIME Cache]\n", encoding="utf-8")

    for args in (("--exec", program), ("--uninstall",)):
        result = _install(prefix, stubs, *args)
        assert result.returncode == 0, result.stderr
        calls = log.read_text(encoding="utf-8").splitlines()
        assert f"update-desktop-database -q {applications}" in calls
        assert f"gtk-update-icon-cache -q -t -f {hicolor}" in calls
        log.unlink()


@posix_shell
@pytest.mark.skipif(
    shutil.which("gdsim", path="/usr/bin:/bin") is not None, reason="gdsim is installed system-wide"
)
def test_install_sh_refuses_without_a_gdsim_program(tmp_path):
    prefix, stubs = tmp_path / "prefix", tmp_path / "stubs"
    _stub_tools(stubs)
    env = {
        "PREFIX": str(prefix),
        "HOME": str(tmp_path),
        "PATH": f"{stubs}{os.pathsep}/usr/bin:/bin",
    }
    result = run("sh", INSTALL_SH, env=env)
    assert result.returncode == 1
    assert "gdsim is not on PATH" in result.stderr
    assert not prefix.exists()
    result = run("sh", INSTALL_SH, "--exec", tmp_path / "nothing-here", env=env)
    assert result.returncode == 1
    assert not prefix.exists()


@posix_shell
def test_installed_tree_validates(tmp_path):
    desktop_file_validate = tool("desktop-file-validate")
    tool("appstreamcli")
    prefix, stubs = tmp_path / "prefix", tmp_path / "stubs"
    _stub_tools(stubs)
    program = _fake_gdsim(tmp_path / "my venv" / "bin")
    assert _install(prefix, stubs, "--exec", program).returncode == 0

    desktop = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    result = run(desktop_file_validate, desktop)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    # validate-tree also checks that the metainfo's launchable desktop file is installed
    result = appstream_validate("validate-tree", prefix)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert issues(report, "EW") == [], report
