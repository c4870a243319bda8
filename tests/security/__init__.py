"""Security: one test module per hole of issue 9 (each test fails on the main before the fix)."""
