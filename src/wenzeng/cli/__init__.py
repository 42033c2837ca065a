"""The ``wenzeng`` command line.

Exit codes: 0 success; 1 internal error; 2 configuration or usage error;
3 invalid input (nothing written); 4 not found; 6 conflict (e.g. a file
already imported).  Every command that reads accepts ``--format json``.

The commands only call services (``wenzeng.services``) and print what they return. Modules:
``output`` (consoles, formats, tables), ``context`` (the store of this invocation),
``arguments`` (dates and usage errors), one module per command or group of commands, and
``root``, which assembles them and runs the app.
"""

from wenzeng.cli.root import app, main, run

__all__ = ["app", "main", "run"]
