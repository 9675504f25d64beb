"""The training run's two figures, drawn without pyplot: no display and no global state needed."""
from matplotlib.figure import Figure
from sklearn import metrics

# How many features the importance chart shows, most important first.
TOP_FEATURES = 20


def save_roc_curve(labels, predictions, path):
    """Plot the ROC curve of ``predictions`` against the true ``labels`` to the PNG ``path``."""
    false_positive_rate, true_positive_rate, _ = metrics.roc_curve(labels, predictions)
    auc = metrics.auc(false_positive_rate, true_positive_rate)
    figure = Figure(figsize=(5, 5))
    axes = figure.subplots()
    axes.plot(false_positive_rate, true_positive_rate, label=f"model (AUC {auc:.3f})")
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance (AUC 0.5)")
    axes.set(xlabel="False positive rate", ylabel="True positive rate",
             title="ROC curve, validation data")
    axes.legend(loc="lower right")
    figure.savefig(path, dpi=100, bbox_inches="tight")


def save_feature_importance(model, path, top=TOP_FEATURES):
    """Plot the ``top`` features of a LightGBM booster by total gain to the PNG ``path``."""
    gains = sorted(zip(model.feature_importance(importance_type="gain"), model.feature_name()),
                   reverse=True)[:top]
    figure = Figure(figsize=(6, 0.3 * len(gains) + 1.5))
    axes = figure.subplots()
    axes.barh([name for _, name in reversed(gains)], [gain for gain, _ in reversed(gains)])
    axes.set(xlabel="Total gain", title=f"Feature importance (top {len(gains)})")
    figure.savefig(path, dpi=100, bbox_inches="tight")
