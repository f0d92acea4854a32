"""Operating Inning in production: health, watching queues and runs, backups and restores."""
