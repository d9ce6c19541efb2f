"""Sub-commands beyond ``check``, one module each, registered in ``pmo_lint.cli.COMMAND_MODULES``.

Each module defines ``command`` (a click command or group) and imports heavy libraries only
inside the command function, so registering them keeps ``pmo-lint --version`` fast.
"""
