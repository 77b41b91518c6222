"""Browser tests: a real JupyterLab / Voila server driven by Playwright and Debian's chromium.

A package (not loose modules) so that its conftest and test modules cannot clash with tests/ ones.
"""
