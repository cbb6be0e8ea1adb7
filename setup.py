"""Copy the built-in question bank and assets into the wheel (``viva/data``).

All metadata lives in pyproject.toml; this file only extends ``build_py`` so that a regular
(non-editable) install still finds ``questions/`` and ``assets/``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "viva" / "data"
        for name in ("questions", "assets"):
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
