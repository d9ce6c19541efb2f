"""Registers in and out: ``pmo-lint import`` reads Excel and CSV registers, ``pmo-lint export`` writes them."""
