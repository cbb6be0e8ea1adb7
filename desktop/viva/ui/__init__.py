"""The PySide6 desktop app: a thin layer over the Qt-free core."""

from viva.ui.compat import install_none_refcount_guard

install_none_refcount_guard()
