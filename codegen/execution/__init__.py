"""Running candidate code: the sandbox, per-language runners, harnesses and test cases.

Below ranking and repair (both run candidates) and above the backends; nothing here imports
a stage.
"""
