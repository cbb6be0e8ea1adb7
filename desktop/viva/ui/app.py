"""The QApplication: logging to a file, crash handling, theme, and the main window.

``VIVA_EXIT_AFTER_SHOWN=1`` makes :func:`run_app` print the seconds from start to a visible,
usable window and quit (cold-start measurements by the benchmark and the packaging check).
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
import time
import traceback
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox

from viva import __version__
from viva.settings import Settings
from viva.storage import paths
from viva.ui.theme import apply_theme

log = logging.getLogger(__name__)

_fault_file: IO[str] | None = None
_excepthook_installed = False


def setup_logging() -> None:
    """Log to a rotating file in the log dir (and keep the CLI's stderr handler)."""
    root = logging.getLogger()
    target = paths.log_dir() / "viva.log"
    if any(
        isinstance(h, logging.handlers.RotatingFileHandler)
        and getattr(h, "baseFilename", "") == str(target)
        for h in root.handlers
    ):
        return
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
        for existing in root.handlers:
            if existing is not handler and existing.level == logging.NOTSET:
                existing.setLevel(logging.WARNING)


def enable_faulthandler() -> None:
    global _fault_file
    if _fault_file is None:
        _fault_file = (paths.log_dir() / "crash.log").open("a", encoding="utf-8")
        faulthandler.enable(_fault_file)


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.critical("unhandled exception:\n%s", text)
    app = QApplication.instance()
    if app is None or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        sys.__excepthook__(exc_type, exc, tb)
        return
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Viva ran into a problem")
    box.setText(
        f"Something unexpected went wrong: {exc}\n\nYour recordings are kept. If this happens "
        f"again, send the log file {paths.log_dir() / 'viva.log'} with a bug report."
    )
    box.setDetailedText(text)
    box.exec()


def install_excepthook() -> None:
    global _excepthook_installed
    if not _excepthook_installed:
        sys.excepthook = _excepthook
        _excepthook_installed = True


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Viva")
    app.setApplicationDisplayName("Viva")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Viva")
    app.setDesktopFileName("io.github.viva.Viva")
    _set_icon(app)
    return app


def _set_icon(app: QApplication) -> None:
    from PySide6.QtGui import QIcon

    from viva.resources import assets_dir

    for name in ("icons/viva.svg", "icons/viva-256.png", "viva.svg"):
        path = assets_dir() / name
        if path.is_file():
            app.setWindowIcon(QIcon(str(path)))
            return


class SingleInstance(QObject):
    """One app window writes to a data folder at a time (issue 13): the first instance listens
    on a local socket named after the data folder; a later one finds it, asks it to come to the
    front and quits. A socket left by a crashed instance is removed."""

    show_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if name is None:
            import hashlib

            folder = str(paths.data_dir().resolve()).encode("utf-8", "surrogateescape")
            name = f"viva-{os.getuid()}-{hashlib.sha256(folder).hexdigest()[:16]}"
        self.name = name
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        """True if this is the only instance (it now listens); False if another one runs."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)  # left behind by a crash
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("single-instance socket %s: %s", self.name, server.errorString())
            return True
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        return True

    def ask_to_show(self) -> bool:
        """Ask the running instance to bring its window to the front."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(1000):
            return False
        sock.write(b"show\n")
        ok = sock.waitForBytesWritten(1000)
        sock.disconnectFromServer()
        return ok

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    @Slot()
    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (conn := self._server.nextPendingConnection()) is not None:
            # The other side writes one short line at once: reading it here is immediate.
            ready = conn.bytesAvailable() > 0 or conn.waitForReadyRead(500)
            if ready and bytes(conn.readAll().data()).strip() == b"show":
                self.show_requested.emit()
            conn.abort()
            conn.deleteLater()


def _another_instance_runs(instance: SingleInstance) -> int:
    answer = QMessageBox.question(
        None,
        "Viva is already open",
        "Viva is already open in another window, and only one window at a time can record "
        "and save answers. Show that window?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    if answer == QMessageBox.StandardButton.Yes and not instance.ask_to_show():
        log.warning("the running Viva did not answer")
    return 0


def build_window(settings: Settings | None = None, **services_kwargs: Any) -> Any:
    from viva.app.services import Services
    from viva.ui.main_window import MainWindow

    services = Services(settings, **services_kwargs)
    return MainWindow(services)


def run_app() -> int:
    """Open the app (``viva`` without a command). Returns the exit code."""
    started = time.perf_counter()
    setup_logging()
    enable_faulthandler()
    install_excepthook()
    app = create_application()
    instance = SingleInstance(parent=app)
    if not instance.claim():
        return _another_instance_runs(instance)
    settings = Settings.load()
    apply_theme(app, settings.theme)
    window = build_window(settings)

    def bring_to_front() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    instance.show_requested.connect(bring_to_front)
    window.show()
    if os.environ.get("VIVA_EXIT_AFTER_SHOWN") == "1":

        def report() -> None:
            print(f"window shown after {time.perf_counter() - started:.3f} s")  # noqa: T201
            window.close()

        QTimer.singleShot(0, report)
    log.info("Viva %s started", __version__)
    return int(app.exec())
