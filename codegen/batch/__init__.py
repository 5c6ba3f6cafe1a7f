"""Batch generation from spec files: ``codegen batch`` (spec loading, runner, manifest, report).

``spec.load_tasks`` checks every file before anything runs; ``runner.run_batch`` runs the tasks
through one shared ``Assistant`` into an ``state.OutDir``; ``report`` writes what happened.
"""
