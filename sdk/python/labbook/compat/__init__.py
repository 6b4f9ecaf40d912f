"""Call shapes of other trackers whose names clash with Labbook's own (``labbook.compat.polyaxon``).
MLflow's are in ``labbook.mlflow``."""
