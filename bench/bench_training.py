"""Training time of the generated project's model, one LightGBM thread, as the CI agents see it.

Bakes the template with its defaults into a temporary folder, then trains the generated code with
the generated ``parameters.json`` on the workshop's 19,393-row sample (when it is present next to
the template, in ../shared/data) and on synthetic data of the full competition size. Prints one
line per data set: rows, boosting rounds, seconds, validation AUC.

    python bench/bench_training.py [--full-rows 595212]
"""
import argparse
import importlib
import sys
import tempfile
import time

import harness  # noqa: F401  (puts the template checkout on sys.path)
from tests.support.bakes import SHARED_SAMPLE_CSV, bake_into

FULL_COMPETITION_ROWS = 595212


def time_training(train, frame, parameters):
    """(boosting rounds, seconds, AUC) of one training run on ``frame``."""
    start = time.perf_counter()
    model, _, metrics = train.train_from_frame(frame, parameters)
    return model.current_iteration(), time.perf_counter() - start, metrics["auc"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-rows", type=int, default=FULL_COMPETITION_ROWS,
                        help=f"rows of the synthetic data set (default {FULL_COMPETITION_ROWS})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        project = bake_into(work)
        sys.path.insert(0, str(project))
        # The generated repository and its package share the project's name.
        package = project.name
        train = importlib.import_module(f"{package}.training.train")
        synthetic_data = importlib.import_module(f"{package}.training.synthetic_data")
        parameters = train.load_parameters()
        parameters["training"] = {**parameters["training"], "num_threads": 1}
        rounds = parameters["rounds"]
        print(f"LightGBM, 1 thread, at most {rounds['max_rounds']} rounds, early stopping after "
              f"{rounds['early_stopping_rounds']}")
        print(f"{'data':<28}{'rows':>9}{'rounds':>8}{'seconds':>9}{'AUC':>8}")
        data_sets = []
        if SHARED_SAMPLE_CSV.exists():
            data_sets.append(("workshop sample",
                              lambda: train.read_training_csv(SHARED_SAMPLE_CSV)))
        else:
            print(f"(no {SHARED_SAMPLE_CSV}: sample skipped)")
        data_sets.append((f"synthetic, {args.full_rows} rows",
                          lambda: synthetic_data.make_synthetic_frame(args.full_rows)))
        for name, load in data_sets:
            frame = load()
            trained_rounds, seconds, auc = time_training(train, frame, parameters)
            print(f"{name:<28}{len(frame):>9}{trained_rounds:>8}{seconds:>9.2f}{auc:>8.4f}")


if __name__ == "__main__":
    main()
