"""The README's Layout and ARCHITECTURE.md match the tree: every folder they name exists, every
package is named, every module they cite is there, and CI checks the layers they describe."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
ARCHITECTURE = (ROOT / "ARCHITECTURE.md").read_text()
TOP_LEVEL = ("bot", "handlers", "models", "scheduler", "migrations", "emulator", "tests", "bench")
# The layers ARCHITECTURE.md draws, top to bottom, as import-linter names them.
LAYERS = [
    "bot.app",
    "handlers | scheduler",
    "bot.commands",
    "bot.services",
    "bot.rendering",
    "models | bot.slack | bot.integrations",
    "bot.domain",
    "bot.settings | bot.clock | bot.errors | bot.logs | bot.metrics",
]


def layout_block() -> str:
    """The code block under the README's Layout heading."""
    section = README.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def named_folders() -> list[str]:
    """Folders the Layout names, as paths (`bot/app`), nesting read from the indentation."""
    folders: list[str] = []
    parent = ""
    for line in layout_block().splitlines():
        found = re.match(r"^( *)([a-z_]+)/\s", line)
        if not found:
            continue
        indent, name = found.groups()
        if indent:
            folders.append(f"{parent}/{name}")
        else:
            parent = name
            folders.append(name)
    return folders


def test_every_folder_the_readme_layout_names_exists() -> None:
    folders = named_folders()
    assert set(TOP_LEVEL) <= set(folders)
    for folder in folders:
        assert (ROOT / folder).is_dir(), f"README names {folder}/, which does not exist"


def test_every_package_of_the_bot_is_named_in_the_readme_layout() -> None:
    folders = set(named_folders())
    for root in ("bot", "handlers", "models", "scheduler"):
        for init in (ROOT / root).rglob("__init__.py"):
            package = init.parent.relative_to(ROOT).as_posix()
            assert package in folders, f"the README's Layout does not name {package}/"


def test_every_module_architecture_md_cites_exists() -> None:
    cited = set(re.findall(r"`((?:bot|handlers|models|scheduler)/[a-z_/]+\.py)`", ARCHITECTURE))
    assert len(cited) > 20
    for path in cited:
        assert (ROOT / path).is_file(), f"ARCHITECTURE.md cites {path}, which does not exist"


def test_the_layers_described_are_the_layers_ci_checks() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts = {contract["type"]: contract for contract in config["contracts"]}
    assert contracts["layers"]["layers"] == LAYERS
    assert all("ignore_imports" not in contract for contract in config["contracts"])
    drawn = " ".join(ARCHITECTURE.split("```", 2)[1].split())
    assert drawn == "  >  ".join(LAYERS).replace("  ", " ")
    assert "lint-imports" in (ROOT / ".ci" / "run").read_text()


def test_every_scheduler_module_but_cron_is_kept_from_apscheduler() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c.get("forbidden_modules") == ["apscheduler"]]
    modules = {p.stem for p in (ROOT / "scheduler").glob("*.py")} - {"__init__", "cron"}
    assert {f"scheduler.{m}" for m in modules} <= set(contract["source_modules"])
