"""Files the app reads at run time, installed as the package ``minimax_studio.resources``.

The folder stays at the top of the repository (``resources/``), and setup.py maps it into
the package, so a wheel, ``pipx install`` and the PyInstaller bundle all carry it. Read it
through ``minimax_studio.resources_path`` (importlib.resources), never as a path relative to
the source tree: there is no source tree once the app is installed.
"""
