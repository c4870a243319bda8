"""Data that survives and data that goes: backups and restores, the retention of candidates'
data (RGPD), and the public page saying what is kept and why."""
