"""The ``inning`` command line: ops and support check numbers and files with it."""
