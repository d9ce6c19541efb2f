"""Every command, one module each (``check``, ``rules``, ``schema``, ``site``...), registered by module name
in ``pmo_lint.cli.COMMAND_MODULES``.

Each command module defines ``command`` (a click command or group, named as the module) and imports heavy
libraries only inside the command function; the group imports a module only when its command is used, so
``pmo-lint --version`` builds none. What commands share is in ``common`` (exit codes, the error handler,
``--traceback``) and ``params`` (the date and comma-list option types); no command module imports
``pmo_lint.cli``.
"""
