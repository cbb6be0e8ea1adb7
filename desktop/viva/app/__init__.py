"""The application layer, Qt-free: the services the front ends share and the flows they run.

The Qt views (``viva.ui``) and the tests build one :class:`~viva.app.services.Services` and call
it from worker threads; ``viva.app`` composes the core (bank, speech, scoring, storage) and never
imports Qt (an import contract checks it).
"""
